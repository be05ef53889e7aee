"""Accounts search: by username, then by words of the display name."""

from django.db.models import Case, Value, When
from django.db.models.functions import Lower

from vitrina.accounts.models import User
from vitrina.search import backends
from vitrina.social import visibility


def accounts_search(*, viewer, q: str, limit: int) -> list[User]:
    """Exact username, then username prefix, then display-name word prefix; more followers first among equals.

    Private accounts are found (their profile header is public); suspended ones and
    those blocked either way are not.
    """
    name = q.lstrip("@").strip()
    if not name:
        return []
    engine = backends.current()
    username = name.lower()
    # display_name_lower is what PostgreSQL's trigram index is built on.
    people = visibility.accounts_listed(viewer).alias(display_name_lower=Lower("display_name"))
    by_username = people.filter(engine.username_prefix(username)).order_by(
        Case(When(username=username, then=Value(0)), default=Value(1)), "-followers_count", "pk"
    )
    found = list(by_username[:limit])
    if len(found) < limit:
        by_name = (
            people.filter(engine.display_name_words(name))
            .exclude(engine.username_prefix(username))
            .order_by("-followers_count", "pk")
        )
        found += list(by_name[: limit - len(found)])
    return found
