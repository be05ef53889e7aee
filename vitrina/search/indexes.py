"""The search indexes, per database: their DDL and the check that keeps them attached.

SQLite: FTS5 tables with external content (the rows stay in accounts_user and
posts_post; the FTS table holds only the index), kept in step by triggers in the
same transaction as every write, so no service has to remember to reindex.
PostgreSQL: expression indexes on the tables themselves (full text on captions,
trigrams on names), which the planner keeps in step by itself.

The DDL is idempotent (IF NOT EXISTS) so the migration and the post-migrate
repair share it.
"""

from dataclasses import dataclass

from django.db import connections

# Case folding of every script; no stemming, so Russian and Bengali words match as
# written; accents kept, as PostgreSQL's 'simple' configuration keeps them, so both
# databases find the same posts; combining marks kept inside words, which unicode61
# by default treats as separators (Bengali vowel signs and viramas: "প্রিয়া" would
# be cut into single consonants).
CAPTION_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
# Names also keep symbols (So), so that an emoji in a display name can be searched.
NAME_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* Co M* So'"


@dataclass(frozen=True)
class FtsIndex:
    table: str  # the FTS5 table
    source: str  # the table whose rows it indexes
    column: str
    tokenizer: str
    # Prefix lengths FTS5 keeps ready-made doclists for ("" for none); other prefixes
    # merge the doclists of every term they match, at query time.
    prefixes: str = ""
    # Further columns of the source indexed with `column` (a product's description with its title).
    more_columns: tuple[str, ...] = ()

    @property
    def triggers(self) -> dict[str, str]:
        t, s = self.table, self.source
        c = ", ".join((self.column, *self.more_columns))
        old = ", ".join(f"old.{name}" for name in (self.column, *self.more_columns))
        new = ", ".join(f"new.{name}" for name in (self.column, *self.more_columns))
        delete = f"INSERT INTO {t}({t}, rowid, {c}) VALUES ('delete', old.id, {old});"
        insert = f"INSERT INTO {t}(rowid, {c}) VALUES (new.id, {new});"
        return {
            f"{t}_ai": f"CREATE TRIGGER IF NOT EXISTS {t}_ai AFTER INSERT ON {s} BEGIN {insert} END",
            f"{t}_ad": f"CREATE TRIGGER IF NOT EXISTS {t}_ad AFTER DELETE ON {s} BEGIN {delete} END",
            # Only when the indexed column is written: counters change far more often.
            f"{t}_au": f"CREATE TRIGGER IF NOT EXISTS {t}_au AFTER UPDATE OF {c} ON {s} BEGIN {delete} {insert} END",
        }

    def create_table_sql(self) -> str:
        prefix = f", prefix='{self.prefixes}'" if self.prefixes else ""
        columns = ", ".join((self.column, *self.more_columns))
        return (
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.table} USING fts5({columns}, "
            f"content='{self.source}', content_rowid='id', tokenize=\"{self.tokenizer}\"{prefix})"
        )

    def rebuild_sql(self) -> str:
        return f"INSERT INTO {self.table}({self.table}) VALUES ('rebuild')"


# No prefix index for captions: measured on 1,000,000 twelve-word captions, one
# ("2 3") made the index 50% bigger and saved under 1 ms on two-letter prefixes;
# the slow case (20-30 ms) is a prefix of a very common word, which no prefix index
# helps, as every one of its rows is read.
POST_FTS = FtsIndex("search_post_fts", "posts_post", "caption", CAPTION_TOKENIZER)
# Names make a small index, and one or two letters is what the box is sent first.
ACCOUNT_FTS = FtsIndex("search_account_fts", "accounts_user", "display_name", NAME_TOKENIZER, "1 2")
SQLITE_INDEXES = (POST_FTS, ACCOUNT_FTS)
# Products: titles and descriptions, tokenized as captions. Installed by a later migration
# (0002, after the shop's tables exist), so it has its own install and uninstall below.
PRODUCT_FTS = FtsIndex("search_product_fts", "shop_product", "title", CAPTION_TOKENIZER,
                       more_columns=("description",))
PRODUCT_SQLITE_INDEXES = (PRODUCT_FTS,)

POSTGRESQL_CREATE = (
    # Trusted since PostgreSQL 13: the database owner may create it, no superuser needed.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # CONCURRENTLY: built on a live instance without blocking posting for minutes
    # (the migration runs outside a transaction for it). Must match the expression
    # in selectors._caption_matches exactly, or it is not used.
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS search_post_caption_tsv ON posts_post"
    " USING gin (to_tsvector('simple'::regconfig, caption))",
    # For LIKE 'q%' and LIKE '% q%' on names in any script. Usernames need no index
    # of their own: they are stored lower-case and the varchar_pattern_ops index
    # Django makes for the unique column serves LIKE 'q%' in order, at any length.
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS search_user_display_name_trgm ON accounts_user"
    " USING gin (lower(display_name) gin_trgm_ops)",
)
POSTGRESQL_DROP = (
    "DROP INDEX IF EXISTS search_post_caption_tsv",
    "DROP INDEX IF EXISTS search_user_display_name_trgm",
)
# Title and description as one document; must match backends.PRODUCT_DOCUMENT exactly, or it is not used.
PRODUCT_POSTGRESQL_CREATE = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS search_product_tsv ON shop_product"
    " USING gin (to_tsvector('simple'::regconfig, title || ' ' || description))",
)
PRODUCT_POSTGRESQL_DROP = ("DROP INDEX IF EXISTS search_product_tsv",)


def install(connection, *, sqlite_indexes=SQLITE_INDEXES, postgresql_create=POSTGRESQL_CREATE) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for index in sqlite_indexes:
                cursor.execute(index.create_table_sql())
                for sql in index.triggers.values():
                    cursor.execute(sql)
                # Rows written before the triggers existed.
                cursor.execute(index.rebuild_sql())
        elif connection.vendor == "postgresql":
            for sql in postgresql_create:
                cursor.execute(sql)


def uninstall(connection, *, sqlite_indexes=SQLITE_INDEXES, postgresql_drop=POSTGRESQL_DROP) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for index in sqlite_indexes:
                for name in index.triggers:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"DROP TABLE IF EXISTS {index.table}")
        elif connection.vendor == "postgresql":
            for sql in postgresql_drop:
                cursor.execute(sql)


def install_products(connection) -> None:
    install(connection, sqlite_indexes=PRODUCT_SQLITE_INDEXES, postgresql_create=PRODUCT_POSTGRESQL_CREATE)


def uninstall_products(connection) -> None:
    uninstall(connection, sqlite_indexes=PRODUCT_SQLITE_INDEXES, postgresql_drop=PRODUCT_POSTGRESQL_DROP)


def repair(connection) -> list[str]:
    """Put back missing SQLite triggers and rebuild what they index; the FTS tables repaired."""
    if connection.vendor != "sqlite":
        return []
    repaired = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {name for _type, name in cursor.fetchall()}
        for index in SQLITE_INDEXES + PRODUCT_SQLITE_INDEXES:
            # No table: the search migration is not applied (yet, or any more).
            if index.table not in present or set(index.triggers) <= present:
                continue
            for sql in index.triggers.values():
                cursor.execute(sql)
            cursor.execute(index.rebuild_sql())
            repaired.append(index.table)
    return repaired


def repair_after_migrate(sender, *, using, **kwargs) -> None:
    repair(connections[using])
