"""Search for accounts, hashtags and posts: a few indexed queries each, never a scan.

Everything found goes through the same visibility rule as the rest of Vitrina
(vitrina.social.visibility: accounts_listed, and Post.objects.visible_to). User input
never reaches SQL or the full-text query syntax unquoted: each word is quoted as a phrase (FTS5)
or a lexeme (tsquery) and passed as a parameter.
"""

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from django.db import connection, models, transaction
from django.db.models import BooleanField, Case, Exists, Max, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitrina.accounts.models import User
from vitrina.core.errors import InvalidInput
from vitrina.core.pagination import Page, decode_cursor, encode_cursor
from vitrina.posts.cards import fresh_rows, page_json
from vitrina.posts.models import Hashtag, Post, PostHashtag
from vitrina.posts.selectors import mark_for_viewer, with_details
from vitrina.posts.text import hashtag_key
from vitrina.search.indexes import ACCOUNT_FTS, POST_FTS
from vitrina.social import visibility

QUERY_MAX = 100
DEFAULT_LIMIT = 20
LIMIT_MAX = 50
# Words of a posts query that are used; more only make the query slower.
TERMS_MAX = 8
# Shorter words match whole words only: a one-letter prefix matches nearly every post.
PREFIX_MIN = 2
# Sorts after every character, for a prefix as a range on an index (SQLite's BINARY order).
MAX_CHAR = "\U0010ffff"
# Hashtags are taken by post_count in batches of this many times the limit, then
# the ones without a post the viewer may see are dropped; a few rounds at most.
HASHTAG_BATCH = 2
HASHTAG_ROUNDS = 3
# Posts are looked for newest first in rounds of growing size (see _page_ids);
# after POST_ROUNDS a page may be short, with a cursor to go on from.
POST_ROUNDS = 5
# SQLite: matching ids per round, from FTS5 in id order. The growth also applies
# to the batches whose visibility is checked.
POST_FIRST_CHUNK = 50
POST_CHUNK_GROWTH = 4
# PostgreSQL: a window of ids per round, each below the last. The first, 1024 rows, is
# filtered row by row (~3 ms, measured on 1,000,000 posts) and fills the page for a
# common word. Each later round intersects the whole GIN match list with its window
# (4-40 ms whatever the window), so they start large and grow 8x: 4.7 million ids in
# four rounds.
POST_FIRST_WINDOW = 1024
POST_BITMAP_WINDOW = 65536
POST_WINDOW_GROWTH = 8


class SearchType(models.TextChoices):
    ACCOUNTS = "accounts", gettext_lazy("Accounts")
    HASHTAGS = "hashtags", gettext_lazy("Hashtags")
    POSTS = "posts", gettext_lazy("Posts")


def clean_query(q: str | None) -> str:
    """The query as searched: NFC, no control characters, no outer space, at most QUERY_MAX."""
    text = unicodedata.normalize("NFC", q or "")
    # A NUL cannot go to PostgreSQL at all; other control characters are never meant.
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text).strip()
    if len(text) > QUERY_MAX:
        message = _("Search for at most %(max)s characters.") % {"max": QUERY_MAX}
        raise InvalidInput(message, fields={"q": [message]})
    return text


def clamp_limit(limit: int | None) -> int:
    return DEFAULT_LIMIT if limit is None else max(1, min(int(limit), LIMIT_MAX))


def search(*, viewer, q: str | None, kind: str, cursor: str | None = None, limit: int | None = None) -> Page:
    """One page of results of the kind asked for; an empty query finds nothing."""
    if kind not in SearchType.values:
        message = _("Search for accounts, hashtags or posts.")
        raise InvalidInput(message, fields={"type": [message]})
    text = clean_query(q)
    limit = clamp_limit(limit)
    if kind == SearchType.POSTS:
        return posts_search(viewer=viewer, q=text, cursor=cursor, limit=limit)
    # Ranked lists, not keyset-ordered: only the first page is served, which is what
    # a search box shows; next_cursor is always null for them.
    if kind == SearchType.HASHTAGS:
        return Page(items=hashtags_search(viewer=viewer, q=text, limit=limit), next_cursor=None)
    return Page(items=accounts_search(viewer=viewer, q=text, limit=limit), next_cursor=None)


# --- Accounts ---------------------------------------------------------------------


def _fts_phrase(text: str, *, prefix: bool) -> str:
    # Inside an FTS5 string only '"' is special, written twice; the tokenizer then
    # reads the words, so NEAR, OR, *, ( and : mean nothing there.
    return '"' + text.replace('"', '""') + '"' + ("*" if prefix else "")


def _username_prefix(name: str) -> Q:
    if connection.vendor == "sqlite":
        # SQLite's LIKE ignores case and so cannot use the index; a range on the
        # (already lower-case) username can.
        return Q(username__gte=name, username__lt=name + MAX_CHAR)
    # PostgreSQL: LIKE 'name%' on the varchar_pattern_ops index Django makes for a unique column.
    return Q(username__startswith=name)


def _display_name_words(name: str) -> Q:
    """Display names with a word that starts with `name` (a phrase when it has several)."""
    if connection.vendor == "sqlite":
        matched = RawSQL(
            f"SELECT rowid FROM {ACCOUNT_FTS.table} WHERE {ACCOUNT_FTS.table} MATCH %s",
            [_fts_phrase(name, prefix=True)],
        )
        return Q(pk__in=matched)
    # Both served by the trigram index on lower(display_name).
    lowered = name.lower()
    return Q(display_name_lower__startswith=lowered) | Q(display_name_lower__contains=" " + lowered)


def accounts_search(*, viewer, q: str, limit: int) -> list[User]:
    """Exact username, then username prefix, then display-name word prefix; more followers first among equals.

    Private accounts are found (their profile header is public); suspended ones and
    those blocked either way are not.
    """
    name = q.lstrip("@").strip()
    if not name:
        return []
    username = name.lower()
    people = visibility.accounts_listed(viewer).alias(display_name_lower=Lower("display_name"))
    by_username = people.filter(_username_prefix(username)).order_by(
        Case(When(username=username, then=Value(0)), default=Value(1)), "-followers_count", "pk"
    )
    found = list(by_username[:limit])
    if len(found) < limit:
        by_name = (
            people.filter(_display_name_words(name))
            .exclude(_username_prefix(username))
            .order_by("-followers_count", "pk")
        )
        found += list(by_name[: limit - len(found)])
    return found


# --- Hashtags ---------------------------------------------------------------------


def _tag_prefix(prefix: str) -> Q:
    if connection.vendor == "sqlite":
        return Q(key__gte=prefix, key__lt=prefix + MAX_CHAR)
    return Q(key__startswith=prefix)


TAG_PROBE = 20


def _tags_with_visible_posts(tags: list[Hashtag], visible_posts) -> set[int]:
    """Tags among `tags` whose latest posts include one the viewer may see.

    One EXISTS per tag over posts, users and blocks was planned by PostgreSQL as
    hash joins over whole tables (about a second at a million posts). Instead: each
    tag's latest TAG_PROBE post ids from the (hashtag, -post) index, then one
    visibility query over all of them. A tag whose latest TAG_PROBE posts are all
    hidden from the viewer is left out: erring towards hiding, never towards leaking.
    """
    if connection.vendor != "postgresql":
        # SQLite plans the EXISTS per tag well, and cannot LIMIT inside a UNION.
        has_visible_post = Exists(visible_posts.filter(hashtag_links__hashtag=OuterRef("pk")))
        return set(Hashtag.objects.filter(pk__in=[t.pk for t in tags]).filter(has_visible_post)
                   .values_list("pk", flat=True))
    probes = [PostHashtag.objects.filter(hashtag_id=tag.pk).order_by("-post_id")
              .values_list("post_id", "hashtag_id")[:TAG_PROBE] for tag in tags]
    latest: dict[int, set[int]] = {}
    for post_id, tag_pk in probes[0].union(*probes[1:], all=True):  # one statement
        latest.setdefault(post_id, set()).add(tag_pk)
    seen = visible_posts.filter(pk__in=list(latest)).values_list("pk", flat=True) if latest else []
    return {tag_pk for post_id in seen for tag_pk in latest[post_id]}


def hashtags_search(*, viewer, q: str, limit: int) -> list[Hashtag]:
    """Tags whose key starts with q's, most used first, that have a post the viewer may see.

    A tag used only on posts the viewer may not see is left out, so a stranger never
    learns of it from here. post_count counts every post, private ones included, and
    counting per viewer is too slow for a list, so the results carry no count at all
    (the tag's own page counts what the viewer may see).
    """
    prefix = hashtag_key(q.lstrip("#").strip())
    if not prefix:
        return []
    visible_posts = Post.objects.visible_to(viewer)
    candidates = Hashtag.objects.filter(_tag_prefix(prefix)).order_by("-post_count", "key")
    batch_size = limit * HASHTAG_BATCH
    shown: list[Hashtag] = []
    for _round in range(HASHTAG_ROUNDS):
        batch = list(candidates[:batch_size])
        if not batch:
            break
        visible = _tags_with_visible_posts(batch, visible_posts)
        shown += [tag for tag in batch if tag.pk in visible]
        if len(shown) >= limit or len(batch) < batch_size:
            break
        last = batch[-1]
        candidates = candidates.filter(
            Q(post_count__lt=last.post_count) | Q(post_count=last.post_count, key__gt=last.key)
        )
    return shown[:limit]


# --- Posts ------------------------------------------------------------------------


def _terms(q: str) -> list[str]:
    return q.split()[:TERMS_MAX]


def _fts_posts_query(terms: list[str]) -> str:
    # Words side by side: FTS5 reads them as AND.
    return " ".join(_fts_phrase(term, prefix=len(term) >= PREFIX_MIN) for term in terms)


def _tsquery(terms: list[str]) -> str:
    # A quoted lexeme in tsquery syntax: quotes doubled, backslashes escaped. The
    # 'simple' configuration then splits it into words without stemming; one with
    # no word in it ("*", "&") drops out of the query instead of failing.
    lexemes = []
    for term in terms:
        quoted = "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"
        lexemes.append(quoted + (":*" if len(term) >= PREFIX_MIN else ""))
    return " & ".join(lexemes)


def _caption_matches(terms: list[str]) -> RawSQL:
    # Same expression as the GIN index in indexes.POSTGRESQL_CREATE, or the index is not used.
    return RawSQL(
        """to_tsvector('simple'::regconfig, "posts_post"."caption") @@ to_tsquery('simple'::regconfig, %s)""",
        [_tsquery(terms)],
        output_field=BooleanField(),
    )


# A round yields matching ids, newest first, visible or not, and the id below which
# the next round goes on (None: nothing left below).
Rounds = Iterator[tuple[list[int], int | None]]


def _rounds_sqlite(terms: list[str], *, before: int | None, limit: int) -> Rounds:
    """FTS5 reads matches in id order and stops at the chunk's end.

    A word prefix first merges the index entries of every word it matches: the one
    cost that grows with the data (20-35 ms for a prefix of a word in half of
    1,000,000 posts, measured), as no prefix index helps a word that common.
    """
    match = _fts_posts_query(terms)
    size = max(limit + 1, POST_FIRST_CHUNK)
    while True:
        sql = f"SELECT rowid FROM {POST_FTS.table} WHERE {POST_FTS.table} MATCH %s"
        params: list = [match]
        if before is not None:
            sql += " AND rowid < %s"
            params.append(before)
        with connection.cursor() as cursor:
            cursor.execute(sql + " ORDER BY rowid DESC LIMIT %s", [*params, size])
            chunk = [row[0] for row in cursor.fetchall()]
        more = len(chunk) == size
        yield chunk, chunk[-1] if more else None
        if not more:
            return
        before, size = chunk[-1], size * POST_CHUNK_GROWTH


@contextmanager
def _bitmap_and_plan():
    """Within the block, PostgreSQL ANDs the GIN matches with the id range (a bitmap of each).

    Past the first window the planner still walks the primary key and runs to_tsvector
    on every row of the window (it prices that function far below its cost): 23 ms for
    8,192 rows and 180 ms for 65,536, measured on 1,000,000 posts, where intersecting
    the two bitmaps takes 4-40 ms whatever the window. The setting is local to the
    transaction and put back before the block ends, in case one was already open.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_indexscan')")
        (before,) = cursor.fetchone()
        cursor.execute("SELECT set_config('enable_indexscan', 'off', true)")
        try:
            yield
        finally:
            cursor.execute("SELECT set_config('enable_indexscan', %s, true)", [before])


def _rounds_postgresql(terms: list[str], *, before: int | None) -> Rounds:
    """Matches in id windows, newest first.

    The GIN index yields matches in no order, and with ORDER BY id DESC LIMIT the
    planner walks the primary key backwards running to_tsvector on every row until
    it has a page: seconds for a rare word among 1,000,000 posts. A first small window
    walked that way fills the page for a common word (~3 ms); the larger ones after it
    intersect the GIN index with the id range instead (see _bitmap_and_plan).
    """
    top = before if before is not None else (Post.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    matches = Post.objects.filter(_caption_matches(terms))
    window = POST_FIRST_WINDOW
    plan = nullcontext
    while True:
        low = max(top - window, 0)
        with plan():
            ids = sorted(matches.filter(pk__gte=low, pk__lt=top).values_list("pk", flat=True), reverse=True)
        yield ids, low if low > 0 else None
        if low == 0:
            return
        window = POST_BITMAP_WINDOW if plan is nullcontext else window * POST_WINDOW_GROWTH
        top, plan = low, _bitmap_and_plan


def _page_ids(visible, rounds: Rounds, *, limit: int) -> tuple[list[int], int | None]:
    """Up to `limit` visible ids and the id the next page starts below, from at most POST_ROUNDS rounds.

    Visibility is checked on a few ids at a time, newest first, through
    Post.objects.visible_to like everywhere: a join of the author with a short id
    list stays a handful of index look-ups (a long one makes PostgreSQL hash every
    account). Posts the viewer may not see cost time, never a wrong result; if the
    rounds run out first the page is short, and its cursor goes on from there.
    """
    found: list[int] = []
    size = 2 * (limit + 1)
    resume = None
    for _round, (ids, resume) in zip(range(POST_ROUNDS), rounds):
        while ids:
            batch, ids = ids[:size], ids[size:]
            allowed = set(visible.filter(pk__in=batch).values_list("pk", flat=True))
            found += [pk for pk in batch if pk in allowed]
            if len(found) > limit:
                return found[:limit], found[limit - 1]
            size *= POST_CHUNK_GROWTH
        if resume is None:
            return found, None
    return found, resume


def _posts_page_ids(*, viewer, q: str, cursor: str | None, limit: int) -> tuple[list[int], int | None]:
    terms = _terms(q)
    before = decode_cursor(cursor)
    if not terms:
        return [], None
    if connection.vendor == "sqlite":
        rounds = _rounds_sqlite(terms, before=before, limit=limit)
    else:
        rounds = _rounds_postgresql(terms, before=before)
    return _page_ids(Post.objects.visible_to(viewer), rounds, limit=limit)


def posts_search(*, viewer, q: str, cursor: str | None, limit: int) -> Page:
    """Posts whose caption has every word of q (as word prefixes), newest first, keyset by id."""
    ids, next_id = _posts_page_ids(viewer=viewer, q=q, cursor=cursor, limit=limit)
    posts = list(with_details(Post.objects.visible_to(viewer).filter(pk__in=ids)).order_by("-id")) if ids else []
    mark_for_viewer(posts, viewer)
    return Page(items=posts, next_cursor=encode_cursor(next_id) if next_id is not None else None)


def posts_search_json(*, viewer, q: str | None, cursor: str | None = None, limit: int | None = None) -> str:
    """The same page as the API shows it (a PostList as JSON text), from the card cache."""
    ids, next_id = _posts_page_ids(viewer=viewer, q=clean_query(q), cursor=cursor, limit=clamp_limit(limit))
    # The ids were just filtered by Post.objects.visible_to (_page_ids); fresh_rows checks
    # the authors' activity again.
    rows = fresh_rows(visibility.posts_checked(ids))
    return page_json(viewer=viewer, rows=[rows[pk] for pk in ids if pk in rows],
                     next_cursor=encode_cursor(next_id) if next_id is not None else None)
