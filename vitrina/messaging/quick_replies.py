"""Writes of quick replies: a business or creator account's saved answers, each under a shortcut."""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vitrina.accounts.models import User
from vitrina.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from vitrina.core.text import clean_text
from vitrina.messaging.models import QUICK_REPLIES_MAX, QUICK_REPLY_TEXT_MAX, QuickReply

SHORTCUT = re.compile(r"[a-z0-9_]{1,30}")


def _invalid(field: str, message: str, code: str = "invalid") -> InvalidInput:
    return InvalidInput(message, code=code, fields={field: [message]})


def _check(owner: User) -> None:
    if not owner.is_professional:
        raise Forbidden(_("Quick replies are for business and creator accounts."), code="not_professional")


def _shortcut(raw) -> str:
    if not isinstance(raw, str) or not SHORTCUT.fullmatch(raw.strip().lower()):
        raise _invalid("shortcut", _("Use 1 to 30 lowercase letters, digits or underscores."), "invalid_shortcut")
    return raw.strip().lower()


def _text(raw) -> str:
    text = clean_text(raw, multiline=True) if isinstance(raw, str) else ""
    if not text:
        raise _invalid("text", _("Write the reply."), "text_required")
    if len(text) > QUICK_REPLY_TEXT_MAX:
        raise _invalid("text", _("At most %(max)s characters.") % {"max": QUICK_REPLY_TEXT_MAX}, "text_too_long")
    return text


def _taken() -> Conflict:
    message = _("You already have a quick reply with this shortcut.")
    return Conflict(message, code="shortcut_taken", fields={"shortcut": [message]})


def _save(reply: QuickReply) -> QuickReply:
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError:
        raise _taken() from None
    return reply


def quick_reply_create(*, owner: User, shortcut, text) -> QuickReply:
    _check(owner)
    reply = QuickReply(owner=owner, shortcut=_shortcut(shortcut), text=_text(text))
    if QuickReply.objects.filter(owner=owner).count() >= QUICK_REPLIES_MAX:
        raise _invalid("shortcut", _("You have the most quick replies an account can keep."), "too_many")
    return _save(reply)


def quick_reply_of(*, owner: User, reply_id) -> QuickReply:
    ok = isinstance(reply_id, int) and not isinstance(reply_id, bool) and 0 < reply_id < 2 ** 63
    reply = QuickReply.objects.filter(owner=owner, pk=reply_id).first() if ok else None
    if reply is None:
        raise NotFound(_("This quick reply does not exist."))
    return reply


def quick_reply_update(*, owner: User, reply_id, shortcut=None, text=None) -> QuickReply:
    reply = quick_reply_of(owner=owner, reply_id=reply_id)
    if shortcut is not None:
        reply.shortcut = _shortcut(shortcut)
    if text is not None:
        reply.text = _text(text)
    return _save(reply)


def quick_reply_delete(*, owner: User, reply_id) -> None:
    quick_reply_of(owner=owner, reply_id=reply_id).delete()
