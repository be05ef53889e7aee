"""Reads of a member's notifications, each checked against who may be shown now.

A group is shown with the people in it whom the reader may still see listed (vitrina.social.visibility):
someone blocked or suspended since is left out of the names and the count, and a group left with
nobody is not shown, so an old notification never shows a blocked person.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Window
from django.db.models.functions import RowNumber

from vitrina.core.pagination import Page, paginate_desc
from vitrina.notifications.models import POST_KINDS, Kind, Notification, NotificationActor, NotificationSetting
from vitrina.posts.models import PostMedia
from vitrina.social import visibility

SHOWN_ACTORS = 3  # names and avatars shown per group
UNREAD_TTL = 600  # a bound on staleness where no write could tell (a post deleted with its account)


def unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def _shown_actors(user):
    return NotificationActor.objects.filter(visibility.listed_q(user, account="actor"))


def _shown(user):
    """The reader's groups that still have someone to show, and their post if they are about one."""
    return Notification.objects.filter(recipient=user).exclude(kind__in=POST_KINDS, post__isnull=True).filter(
        Exists(_shown_actors(user).filter(notification=OuterRef("pk"))))


def unread_count(user) -> int:
    """The top bar's badge, on every page: from the cache, read again only after the consumer
    wrote for this member or they read their notifications."""
    key = unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = _shown(user).filter(read_at__isnull=True).count()
        cache.set(key, count, UNREAD_TTL)
    return count


@dataclass
class Item:
    notification: Notification
    actors: list = field(default_factory=list)  # the first SHOWN_ACTORS people, newest first
    count: int = 0  # people shown in all
    thumbnail: PostMedia | None = None

    @property
    def kind(self) -> str:
        return self.notification.kind

    @property
    def read(self) -> bool:
        return self.notification.read_at is not None


def notifications_page(user, cursor=None, limit=None) -> Page:
    """The reader's notifications, latest activity first, in three queries whatever the page holds:
    the groups, their first people (with how many are shown), the posts' first photos."""
    page = paginate_desc(_shown(user), cursor=cursor, limit=limit, key="position")
    items = {n.pk: Item(notification=n) for n in page.items}
    if not items:
        return page
    ranked = (_shown_actors(user).filter(notification_id__in=list(items)).select_related("actor")
              .annotate(rank=Window(RowNumber(), partition_by=[F("notification_id")],
                                    order_by=[F("created_at").desc(), F("pk").desc()]),
                        shown=Window(Count("pk"), partition_by=[F("notification_id")]))
              .filter(rank__lte=SHOWN_ACTORS).order_by("notification_id", "rank"))
    for row in ranked:
        item = items[row.notification_id]
        item.actors.append(row.actor)
        item.count = row.shown
    post_ids = {n.post_id for n in page.items if n.post_id}
    # A post's photo only where the reader may see the post now (a mention's post may have gone private).
    photos = {m.post_id: m for m in PostMedia.objects.filter(
        visibility.content_q(user, account="post__author"), post_id__in=post_ids, position=0)}
    for item in items.values():
        item.thumbnail = photos.get(item.notification.post_id)
    page.items = list(items.values())
    return page


def settings_of(user) -> dict[str, bool]:
    """Each kind on (True) or off, in the order the settings screen lists them."""
    off = set(NotificationSetting.objects.filter(user=user, enabled=False).values_list("kind", flat=True))
    return {kind: kind not in off for kind in Kind.values}
