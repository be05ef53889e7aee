"""A review form's failed post, carried across the redirect back to the order page (PRG).

The order page belongs to the orders app, so the review views cannot render it with their
errors; they keep the error and what was typed in the session for one read, and the
{% order_reviews %} tag shows them under the form they came from.
"""

from vitrina.core.errors import ServiceError

SESSION_KEY = "reviews_form"


def keep_failure(request, *, order_id: int, target: str, error: ServiceError, data: dict) -> None:
    """Keep a refused post of a form about order `order_id`; `target` names the form ("line:<id>",
    "review:<id>")."""
    request.session[SESSION_KEY] = {
        "order": order_id, "target": target, "message": str(error.message),
        "fields": {name: [str(m) for m in msgs] for name, msgs in error.fields.items()},
        "data": {name: str(value)[:4000] for name, value in data.items()},
    }


def take_failure(request, *, order_id: int) -> dict | None:
    """The kept failure of a form about this order (then it is read once), else None."""
    session = getattr(request, "session", None)
    kept = session.get(SESSION_KEY) if session is not None else None
    if not kept or kept.get("order") != order_id:
        return None
    del session[SESSION_KEY]
    return kept
