from django.urls import get_resolver

from vitrina.accounts.validators import RESERVED_USERNAMES


def test_every_top_level_path_is_a_reserved_username():
    """/<username>/ shares the root with the app's own pages; none may be taken as a name."""
    segments = set()
    for pattern in get_resolver().url_patterns:
        text = str(pattern.pattern).lstrip("^")
        first = text.split("/")[0]
        if first and "<" not in first and "(" not in first:
            segments.add(first.lower())
    for pattern in get_resolver().url_patterns:
        for inner in getattr(pattern, "url_patterns", []):
            text = str(pattern.pattern) + str(inner.pattern)
            first = text.lstrip("^").split("/")[0]
            if first and "<" not in first and "(" not in first:
                segments.add(first.lower())
    assert {"accounts", "api", "admin", "explore", "shop", "create", "i18n", "media"} <= segments
    assert segments - RESERVED_USERNAMES == set()
