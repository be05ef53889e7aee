"""Keyset pagination with opaque cursors: stable under inserts, never OFFSET."""

import base64
import binascii
import json
from dataclasses import dataclass

from django.utils.translation import gettext as _
from ninja import Schema

from vitrina.core.errors import ServiceError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Keys are 64-bit ids: SQLite refuses a larger int in a query (OverflowError) and PostgreSQL's
# bigint ends here too, so a cursor past it is refused before any query, raw SQL included.
MAX_KEY = 2**63 - 1


class InvalidCursor(ServiceError):
    status = 400
    code = "invalid_cursor"


@dataclass
class Page:
    items: list
    next_cursor: str | None


def encode_cursor(value: int) -> str:
    raw = json.dumps({"k": value}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)["k"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InvalidCursor(_("This cursor is not valid.")) from None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_KEY:
        raise InvalidCursor(_("This cursor is not valid."))
    return value


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    return max(1, min(int(limit), MAX_LIMIT))


def paginate_desc(queryset, *, cursor: str | None, limit: int | None, key: str = "id") -> Page:
    """Newest first by a unique, increasing integer column `key`.

    One query: fetches limit + 1 rows to learn whether another page exists.
    """
    return _paginate(queryset, cursor=cursor, limit=limit, key=key, descending=True)


def paginate_asc(queryset, *, cursor: str | None, limit: int | None, key: str = "id") -> Page:
    """Oldest first (comments read top to bottom)."""
    return _paginate(queryset, cursor=cursor, limit=limit, key=key, descending=False)


def _paginate(queryset, *, cursor, limit, key, descending) -> Page:
    limit = clamp_limit(limit)
    after = decode_cursor(cursor)
    if after is not None:
        queryset = queryset.filter(**{f"{key}__{'lt' if descending else 'gt'}": after})
    rows = list(queryset.order_by(f"-{key}" if descending else key)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(getattr(rows[-1], key)) if more and rows else None
    return Page(items=rows, next_cursor=next_cursor)


class PageParams(Schema):
    """?cursor=&limit= of every cursor-paginated API list (limit is clamped to 1..100)."""

    cursor: str | None = None
    limit: int = DEFAULT_LIMIT
