"""A notification as the API and the screen show it: its people, target, link and sentence."""

from django.urls import NoReverseMatch, reverse

from vitrina.media.images import url_of
from vitrina.notifications import text
from vitrina.notifications.models import Kind
from vitrina.notifications.selectors import Item
from vitrina.posts.models import variant_urls


def _reverse(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # an app not installed here (messaging)
        return None


def target_url(item: Item) -> str | None:
    n = item.notification
    if n.post_id:
        return reverse("posts:detail", args=[n.post_id])
    if n.kind == Kind.FOLLOW_REQUEST:
        return reverse("social:requests")
    if n.kind in (Kind.FOLLOW, Kind.FOLLOW_APPROVED) and item.actors:
        return reverse("profile", args=[item.actors[0].username])
    if n.kind == Kind.MESSAGE:
        return _reverse("messaging:thread", n.subject_id)
    number = (n.data or {}).get("number")
    if n.kind == Kind.REVIEW and number:
        return reverse("orders:seller_order", args=[number])
    if n.kind == Kind.ORDER and number:
        if n.data.get("role") == "seller":
            return reverse("orders:seller_order", args=[number])
        return reverse("orders:detail", args=[number])
    return None


def thumbnail_url(item: Item) -> str | None:
    if item.thumbnail is None:
        return None
    urls = variant_urls(item.thumbnail.files)
    smallest = urls.get("320") or next(iter(urls.values()), {})
    return smallest.get("webp") or smallest.get("jpg")


def as_json(item: Item) -> dict:
    n = item.notification
    return {
        "id": n.pk, "kind": n.kind, "count": item.count, "text": text.sentence(item),
        "actors": [{"username": a.username, "display_name": a.display_name, "avatar_url": url_of(a.avatar)}
                   for a in item.actors],
        "target": {"type": n.subject_type, "id": n.subject_id, "url": target_url(item),
                   "thumbnail": thumbnail_url(item)},
        "created_at": n.updated_at, "read": item.read,
    }
