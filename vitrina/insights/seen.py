"""Posts that were on a reader's screen: the one rule behind the web page's beacon (POST /insights/seen)
and the phone apps' call (POST /api/vitrina/v1/insights/seen).

A feed, a profile grid, a hashtag page or Explore fetches more posts than reach the screen, so a view is
counted when the client says a post was shown, not when it was fetched. Each post is checked against
the one visibility rule; posts the reader may not see are ignored without a word (a private post's
existence is not revealed). Crafted input is refused whole, and nothing is recorded.
"""

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from vitrina.core.errors import InvalidInput
from vitrina.core.throttle import rate_limit
from vitrina.insights import recording
from vitrina.insights.models import Kind, Source
from vitrina.posts.models import Post
from vitrina.social import visibility

# Posts one report may name: a phone screen shows a handful, a visit some dozens (five feed pages are a
# hundred); more is not a person. An app reports a visit's worth at once, not each screen.
MAX_SEEN = 100
SOURCES = frozenset({Source.FEED, Source.PROFILE, Source.HASHTAG, Source.EXPLORE})
# The largest id a client may name (a bigint): anything longer is crafted.
_MAX_ID = 2**63 - 1


def _refused(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def checked(post_ids: list, source) -> tuple[set[int], str]:
    """The ids and source as sent, or InvalidInput: 1 to MAX_SEEN positive integer ids, a known source."""
    if source not in SOURCES:
        raise _refused("source", _("Unknown source."))
    if (not post_ids or len(post_ids) > MAX_SEEN
            or not all(type(pk) is int and 0 < pk <= _MAX_ID for pk in post_ids)):
        raise _refused("posts", _("Send between 1 and %(max)s post ids.") % {"max": MAX_SEEN})
    return set(post_ids), source


def posts_seen(viewer, post_ids: list, source, *, ident) -> int:
    """Record a view of each post the viewer may see (None: signed out); the number of those posts
    (recording itself leaves out the viewer's own).

    `ident` is whom the rate limit counts: the account, or the address of a signed-out reader (their
    views have no viewer to count once an hour, so one address cannot repeat them forever). Raises
    InvalidInput for crafted input and Throttled past the limit, before anything is read or recorded."""
    ids, source = checked(post_ids, source)
    if not settings.INSIGHTS_RECORD:
        return 0  # nothing would count: not even the visibility read
    rate_limit(action="seen", ident=ident)
    # The rule's SQL text (visibility.content_sql): the ORM form cost several milliseconds a beacon to
    # build and plan, more than the query itself.
    rule, params = visibility.content_sql(viewer, account_id="p.author_id")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.id, p.author_id FROM {Post._meta.db_table} p "
                       f"WHERE p.id IN ({', '.join(['%s'] * len(ids))}) AND {rule}", [*ids, *params])
        visible = cursor.fetchall()
    recorded = 0
    for post_id, author_id in visible:
        recording.hit_by(viewer, kind=Kind.POST_VIEW, account_id=author_id, post_id=post_id, source=source)
        recorded += 1
    return recorded
