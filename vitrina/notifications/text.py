"""The sentence of a notification, in the reader's language: "anna and 12 others liked your post".

`sentence(item)` is plain text (the API); `sentence_html(item)` is the same with the names in
<strong> and everything escaped (the screen). Plural forms come from the catalogs (ngettext):
Russian has three, Bengali two.
"""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vitrina.notifications.models import Kind
from vitrina.orders.models import OrderStatus


def _one(kind: str, data: dict, subject_type: str) -> str:
    """The sentence for one person, with %(name)s."""
    if kind == Kind.LIKE:
        return _("%(name)s liked your post.")
    if kind == Kind.COMMENT:
        return _("%(name)s commented on your post.")
    if kind == Kind.REPLY:
        return _("%(name)s replied to your comment.")
    if kind == Kind.MENTION:
        if subject_type == "comment":
            return _("%(name)s mentioned you in a comment.")
        return _("%(name)s mentioned you in a post.")
    if kind == Kind.FOLLOW:
        return _("%(name)s started following you.")
    if kind == Kind.FOLLOW_REQUEST:
        return _("%(name)s asked to follow you.")
    if kind == Kind.FOLLOW_APPROVED:
        return _("%(name)s accepted your follow request.")
    if kind == Kind.MESSAGE:
        if data.get("request"):
            return _("%(name)s wants to send you a message.")
        return _("%(name)s sent you a message.")
    if kind == Kind.REVIEW:
        return _("%(name)s reviewed order %(number)s: %(rating)s of 5 stars.")
    if kind == Kind.ORDER:
        status = data.get("status")
        if data.get("role") == "seller":
            if status == OrderStatus.CANCELLED:
                return _("%(name)s cancelled order %(number)s.")
            return _("%(name)s placed order %(number)s.")
        return _("Order %(number)s from %(name)s is now %(status)s.")
    return "%(name)s"


def _many(kind: str, others: int, subject_type: str) -> str:
    """The sentence for a group: one name and `others` more, with %(name)s and %(count)d."""
    if kind == Kind.LIKE:
        return ngettext("%(name)s and %(count)d other liked your post.",
                        "%(name)s and %(count)d others liked your post.", others)
    if kind == Kind.COMMENT:
        return ngettext("%(name)s and %(count)d other commented on your post.",
                        "%(name)s and %(count)d others commented on your post.", others)
    if kind == Kind.REPLY:
        return ngettext("%(name)s and %(count)d other replied to your comment.",
                        "%(name)s and %(count)d others replied to your comment.", others)
    if kind == Kind.MENTION:
        return ngettext("%(name)s and %(count)d other mentioned you.",
                        "%(name)s and %(count)d others mentioned you.", others)
    if kind == Kind.FOLLOW:
        return ngettext("%(name)s and %(count)d other started following you.",
                        "%(name)s and %(count)d others started following you.", others)
    if kind == Kind.FOLLOW_REQUEST:
        return ngettext("%(name)s and %(count)d other asked to follow you.",
                        "%(name)s and %(count)d others asked to follow you.", others)
    return ngettext("%(name)s and %(count)d other sent you messages.",
                    "%(name)s and %(count)d others sent you messages.", others)


def _parts(item) -> tuple[str, dict]:
    n = item.notification
    first = item.actors[0] if item.actors else None
    name = (first.display_name or first.username) if first else ""
    others = max(item.count - 1, 0)
    data = n.data or {}
    template = _many(n.kind, others, n.subject_type) if others else _one(n.kind, data, n.subject_type)
    status = data.get("status")
    values = {"name": name, "count": others, "number": data.get("number") or "", "rating": data.get("rating") or "",
              "status": OrderStatus(status).label.lower() if status in OrderStatus.values else ""}
    return template, values


def sentence(item) -> str:
    template, values = _parts(item)
    return template % values


def sentence_html(item) -> str:
    template, values = _parts(item)
    values = {k: escape(v) for k, v in values.items()}
    values["name"] = format_html("<strong>{}</strong>", values["name"])
    values["count"] = int(values["count"])
    return mark_safe(escape(template) % values)  # noqa: S308 - every part escaped above
