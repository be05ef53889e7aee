"""Writes for browser sessions and API tokens: start, check, end, revoke.

A browser session gets a BrowserSession row at log-in (the session stores the row's
id); revoking deletes the row, and the middleware logs such a session out on its
next request. A token is its ApiToken row; deleting it ends it at once.
"""

import ipaddress
from functools import partial

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.accounts.models import ApiToken, BrowserSession, User
from vitrina.core.errors import NotFound
from vitrina.core.http import client_ip
from vitrina.events import kinds
from vitrina.events.services import record

# The session entry holding the BrowserSession id.
SESSION_MARK = "_vitrina_browser_session"


def truncate_ip(address: str) -> str:
    """The network around an address (/24 for IPv4, /48 for IPv6): enough to recognise, not to locate."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if parsed.version == 4 else 48
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False))


def client_details(request) -> dict:
    return {
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        "ip_network": truncate_ip(client_ip(request)),
    }


def _alive_key(session_id: int) -> str:
    return f"browser-session:{session_id}"


def session_start(*, request, user: User) -> BrowserSession:
    """Track the session that has just logged `user` in (called on user_logged_in)."""
    if request.session.session_key is None:
        request.session.save()
    row = BrowserSession.objects.create(
        user=user, key_hash=BrowserSession.hash(request.session.session_key), last_used_at=timezone.now(),
        **client_details(request),
    )
    request.session[SESSION_MARK] = row.pk
    return row


def session_end(*, request) -> None:
    """Forget the session that is logging out (called on user_logged_out)."""
    session_id = request.session.get(SESSION_MARK)
    if session_id is not None:
        _delete_sessions(BrowserSession.objects.filter(pk=session_id))


def session_check(request) -> bool:
    """Whether the logged-in session of this request may go on.

    Costs one cache read per request; the database is read (and last-used written)
    at most every SESSION_TOUCH_EVERY seconds per session.
    """
    session = request.session
    session_id = session.get(SESSION_MARK)
    if session_id is None:
        # Not started through log-in (or from before sessions were tracked): nothing to revoke it by.
        return False
    key_hash = BrowserSession.hash(session.session_key or "")
    if cache.get(_alive_key(session_id)) == key_hash:
        return True
    row = BrowserSession.objects.filter(pk=session_id).values("user_id", "key_hash", "last_used_at").first()
    if row is None or str(row["user_id"]) != str(session.get(SESSION_KEY)):
        return False
    now = timezone.now()
    changes = {}
    if row["key_hash"] != key_hash:
        # Django gave the session a new key (log-in, password change); the data came along.
        changes["key_hash"] = key_hash
    if row["last_used_at"] is None or (now - row["last_used_at"]).total_seconds() >= settings.SESSION_TOUCH_EVERY:
        changes["last_used_at"] = now
        changes.update(client_details(request))
    if changes:
        BrowserSession.objects.filter(pk=session_id).update(**changes)
    cache.set(_alive_key(session_id), key_hash, settings.SESSION_TOUCH_EVERY)
    return True


def _forget_alive(session_ids: list[int]) -> None:
    if session_ids:
        cache.delete_many([_alive_key(pk) for pk in session_ids])


def _ended(user_id: int) -> None:
    """Tell open sockets (vitrina.live) that a session or token of this member has ended: each checks
    whether it was its own and closes (they would notice within LIVE_RECHECK_SECONDS anyway)."""
    record(kinds.SESSION_ENDED, recipient=User(pk=user_id), subject_type="user", subject_id=user_id)


def _delete_sessions(queryset) -> int:
    with transaction.atomic():
        rows = list(queryset.values_list("pk", "user_id"))
        ids = [pk for pk, _user_id in rows]
        BrowserSession.objects.filter(pk__in=ids).delete()
        for user_id in sorted({user_id for _pk, user_id in rows}):
            _ended(user_id)
        # Inside the transaction: if the cache cannot forget them, nothing is revoked (and
        # the caller hears it). Once more after commit, for a request that re-read the row meanwhile.
        _forget_alive(ids)
        transaction.on_commit(partial(_forget_alive, ids))
    return len(ids)


def parse_session_id(value: str) -> tuple[str, int]:
    """("session" | "token", pk) from an id as listed ("session-12", "token-7"), or NotFound."""
    kind, _dash, number = str(value).partition("-")
    if kind not in ("session", "token") or not number.isdigit() or len(number) > 18:
        raise NotFound(_("Not found."))
    return kind, int(number)


def session_revoke(*, user: User, session_id: str) -> None:
    """End one of the member's sessions or tokens; another member's are not found."""
    kind, pk = parse_session_id(session_id)
    if kind == "token":
        with transaction.atomic():
            deleted = ApiToken.objects.filter(user=user, pk=pk).delete()[0]
            if deleted:
                _ended(user.pk)
    else:
        deleted = _delete_sessions(BrowserSession.objects.filter(user=user, pk=pk))
    if not deleted:
        raise NotFound(_("Not found."))


def token_revoke(*, user: User, token_id: int) -> None:
    with transaction.atomic():
        if ApiToken.objects.filter(user=user, pk=token_id).delete()[0]:
            _ended(user.pk)


def sign_out_everywhere(*, user: User, keep_session_key: str | None = None, keep_token_id: int | None = None) -> int:
    """End every browser session and API token of `user` but the ones named to keep.

    For a password change (keep the one it was made from), a reset or a lost
    phone (keep nothing). Returns how many were ended.
    """
    sessions = BrowserSession.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(key_hash=BrowserSession.hash(keep_session_key))
    tokens = ApiToken.objects.filter(user=user)
    if keep_token_id is not None:
        tokens = tokens.exclude(pk=keep_token_id)
    with transaction.atomic():
        ended = _delete_sessions(sessions)
        tokens_ended = tokens.delete()[0]
        if tokens_ended:
            _ended(user.pk)
    return ended + tokens_ended
