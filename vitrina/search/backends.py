"""What search asks of the database engine, one class per engine (see indexes.py for their indexes).

SQLite answers from its FTS5 tables and from ranges on BINARY-ordered columns;
PostgreSQL from full text and trigram indexes on the tables themselves. Each
search module asks `current()` once and never looks at the vendor itself. User
input never reaches SQL or the full-text query syntax unquoted: each word is
quoted as a phrase (FTS5) or a lexeme (tsquery) and passed as a parameter.
"""

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from django.db import connection, transaction
from django.db.models import BooleanField, Exists, Max, OuterRef, Q
from django.db.models.expressions import RawSQL

from vitrina.posts.models import Hashtag, Post, PostHashtag
from vitrina.search.indexes import ACCOUNT_FTS, POST_FTS, PRODUCT_FTS

# Shorter words match whole words only: a one-letter prefix matches nearly every post.
PREFIX_MIN = 2
# Sorts after every character, for a prefix as a range on an index (SQLite's BINARY order).
MAX_CHAR = "\U0010ffff"
# PostgreSQL: latest posts looked at per hashtag (see PostgresqlBackend.tags_with_visible_posts).
TAG_PROBE = 20
# SQLite: matching ids per round, from FTS5 in id order. The growth also applies
# to the batches whose visibility is checked (posts.page_ids).
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

# A round yields matching ids, newest first, visible or not, and the id below which
# the next round goes on (None: nothing left below).
Rounds = Iterator[tuple[list[int], int | None]]


def _fts_phrase(text: str, *, prefix: bool) -> str:
    # Inside an FTS5 string only '"' is special, written twice; the tokenizer then
    # reads the words, so NEAR, OR, *, ( and : mean nothing there.
    return '"' + text.replace('"', '""') + '"' + ("*" if prefix else "")


class SqliteBackend:
    def username_prefix(self, name: str) -> Q:
        # SQLite's LIKE ignores case and so cannot use the index; a range on the
        # (already lower-case) username can.
        return Q(username__gte=name, username__lt=name + MAX_CHAR)

    def display_name_words(self, name: str) -> Q:
        """Display names with a word that starts with `name` (a phrase when it has several)."""
        matched = RawSQL(
            f"SELECT rowid FROM {ACCOUNT_FTS.table} WHERE {ACCOUNT_FTS.table} MATCH %s",
            [_fts_phrase(name, prefix=True)],
        )
        return Q(pk__in=matched)

    def tag_prefix(self, prefix: str) -> Q:
        return Q(key__gte=prefix, key__lt=prefix + MAX_CHAR)

    def tags_with_visible_posts(self, tags: list[Hashtag], visible_posts) -> set[int]:
        """Tags among `tags` with a post the viewer may see.

        SQLite plans the EXISTS per tag well, and cannot LIMIT inside a UNION.
        """
        has_visible_post = Exists(visible_posts.filter(hashtag_links__hashtag=OuterRef("pk")))
        return set(Hashtag.objects.filter(pk__in=[t.pk for t in tags]).filter(has_visible_post)
                   .values_list("pk", flat=True))

    def post_rounds(self, terms: list[str], *, before: int | None, limit: int) -> Rounds:
        """FTS5 reads matches in id order and stops at the chunk's end.

        A word prefix first merges the index entries of every word it matches: the one
        cost that grows with the data (20-35 ms for a prefix of a word in half of
        1,000,000 posts, measured), as no prefix index helps a word that common.
        """
        # Words side by side: FTS5 reads them as AND.
        match = " ".join(_fts_phrase(term, prefix=len(term) >= PREFIX_MIN) for term in terms)
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

    def product_matches(self, terms: list[str]) -> Q:
        """Products with every word of `terms` (as word prefixes) in the title or the description."""
        match = " ".join(_fts_phrase(term, prefix=len(term) >= PREFIX_MIN) for term in terms)
        return Q(pk__in=RawSQL(f"SELECT rowid FROM {PRODUCT_FTS.table} WHERE {PRODUCT_FTS.table} MATCH %s", [match]))


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


# Same expression as the GIN index in indexes.PRODUCT_POSTGRESQL_CREATE, or the index is not used.
PRODUCT_DOCUMENT = """to_tsvector('simple'::regconfig, "shop_product"."title" || ' ' || "shop_product"."description")"""


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


class PostgresqlBackend:
    def username_prefix(self, name: str) -> Q:
        # LIKE 'name%' on the varchar_pattern_ops index Django makes for a unique column.
        return Q(username__startswith=name)

    def display_name_words(self, name: str) -> Q:
        """Display names with a word that starts with `name` (a phrase when it has several)."""
        # Both served by the trigram index on lower(display_name), which the query aliases.
        lowered = name.lower()
        return Q(display_name_lower__startswith=lowered) | Q(display_name_lower__contains=" " + lowered)

    def tag_prefix(self, prefix: str) -> Q:
        return Q(key__startswith=prefix)

    def tags_with_visible_posts(self, tags: list[Hashtag], visible_posts) -> set[int]:
        """Tags among `tags` whose latest posts include one the viewer may see.

        One EXISTS per tag over posts, users and blocks was planned by PostgreSQL as
        hash joins over whole tables (about a second at a million posts). Instead: each
        tag's latest TAG_PROBE post ids from the (hashtag, -post) index, then one
        visibility query over all of them. A tag whose latest TAG_PROBE posts are all
        hidden from the viewer is left out: erring towards hiding, never towards leaking.
        """
        probes = [PostHashtag.objects.filter(hashtag_id=tag.pk).order_by("-post_id")
                  .values_list("post_id", "hashtag_id")[:TAG_PROBE] for tag in tags]
        latest: dict[int, set[int]] = {}
        for post_id, tag_pk in probes[0].union(*probes[1:], all=True):  # one statement
            latest.setdefault(post_id, set()).add(tag_pk)
        seen = visible_posts.filter(pk__in=list(latest)).values_list("pk", flat=True) if latest else []
        return {tag_pk for post_id in seen for tag_pk in latest[post_id]}

    def post_rounds(self, terms: list[str], *, before: int | None, limit: int) -> Rounds:
        """Matches in id windows, newest first (`limit` plays no part: a window is sized in ids).

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

    def product_matches(self, terms: list[str]) -> Q:
        """Products with every word of `terms` (as word prefixes) in the title or the description."""
        matches = RawSQL(f"{PRODUCT_DOCUMENT} @@ to_tsquery('simple'::regconfig, %s)", [_tsquery(terms)],
                         output_field=BooleanField())
        return Q(matches)


_BACKENDS = {"sqlite": SqliteBackend(), "postgresql": PostgresqlBackend()}


def current() -> SqliteBackend | PostgresqlBackend:
    """The backend of the database this request uses (the two Vitrina runs on: indexes.py has no other)."""
    return _BACKENDS[connection.vendor]
