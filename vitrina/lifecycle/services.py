"""Writes for an account's way out: deletion with a grace period, suspension, data exports.

Deletion, its cancelling and suspension flip whether the account is active, so each
recounts the counters around the member (vitrina.lifecycle.counters) in the same
transaction. The purge after the grace period is in vitrina.lifecycle.purge.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from redis import RedisError

from vitrina.accounts import services as account_services
from vitrina.accounts.models import User
from vitrina.core.errors import InvalidInput
from vitrina.lifecycle import counters, exports, tasks
from vitrina.lifecycle.models import AccountDeletion, DataExport, ExportStatus

log = logging.getLogger(__name__)


def _wrong_password() -> InvalidInput:
    message = _("Your password was entered incorrectly.")
    return InvalidInput(message, code="wrong_password", fields={"password": [message]})


def account_delete_request(*, user: User, password: str) -> AccountDeletion:
    """Deactivate the account now and schedule its removal after ACCOUNT_DELETION_GRACE_DAYS.

    The account disappears at once, as a suspended one does; its API tokens go, and
    its sessions end because the password is stored again with a new salt (the
    session's auth hash no longer matches), while the same password still lets the
    member come back within the grace period (vitrina.lifecycle.backends).
    """
    if not user.is_active or not user.check_password(password or ""):
        raise _wrong_password()
    now = timezone.now()
    with transaction.atomic():
        account_ids, post_ids = counters.around(user)
        counters.lock(account_ids=account_ids, post_ids=post_ids)
        user.set_password(password)
        User.objects.filter(pk=user.pk).update(is_active=False, password=user.password)
        deletion, _created = AccountDeletion.objects.update_or_create(
            user=user,
            defaults={"requested_at": now, "purge_after": now + timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS)},
        )
        account_services.sign_out_everywhere(user=user)
        counters.recount(account_ids=account_ids, post_ids=post_ids)
    user.is_active = False
    return deletion


def account_deletion_cancel(*, user: User) -> bool:
    """The member came back in time: reactivate, unless staff suspended the account meanwhile."""
    with transaction.atomic():
        deleted, _rows = AccountDeletion.objects.filter(user=user).delete()
        if not deleted:
            return False
        account_ids, post_ids = counters.around(user)
        counters.lock(account_ids=account_ids, post_ids=post_ids)
        reactivated = User.objects.filter(pk=user.pk, suspended_at__isnull=True).update(is_active=True)
        counters.recount(account_ids=account_ids, post_ids=post_ids)
    user.is_active = bool(reactivated)
    return bool(reactivated)


def account_suspend(*, user: User) -> None:
    """Staff suspends: the account and its rows in everyone's counters disappear at once."""
    with transaction.atomic():
        account_ids, post_ids = counters.around(user)
        counters.lock(account_ids=account_ids, post_ids=post_ids)
        account_services.user_suspend(user=user)
        counters.recount(account_ids=account_ids, post_ids=post_ids)


def account_unsuspend(*, user: User) -> None:
    """Lift a suspension; an account whose owner asked for deletion stays inactive until they log in."""
    with transaction.atomic():
        account_ids, post_ids = counters.around(user)
        counters.lock(account_ids=account_ids, post_ids=post_ids)
        account_services.user_unsuspend(user=user)
        if AccountDeletion.objects.filter(user=user).exists():
            User.objects.filter(pk=user.pk).update(is_active=False)
            user.is_active = False
        counters.recount(account_ids=account_ids, post_ids=post_ids)


# A pending export older than this was lost (a worker died with it): a new request replaces it.
EXPORT_STALE_AFTER = timedelta(hours=6)


def export_request(*, user: User) -> DataExport:
    """Ask for a new export, or get the one being prepared. One at a time per member:
    a new one replaces the previous file."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # One request at a time per member.
        pending = DataExport.objects.filter(
            user=user, status=ExportStatus.PENDING, created_at__gt=timezone.now() - EXPORT_STALE_AFTER
        ).order_by("-pk").first()
        if pending is not None:
            return pending
        old = list(DataExport.objects.filter(user=user))
        DataExport.objects.filter(pk__in=[e.pk for e in old]).delete()
        for e in old:
            transaction.on_commit(partial(exports.delete_file, e.file))
        export = DataExport.objects.create(user=user)
        transaction.on_commit(partial(_enqueue_build, export_id=export.pk))
    return export


def _enqueue_build(*, export_id: int) -> None:
    try:
        tasks.build_export.enqueue(export_id=export_id)
    except RedisError:
        # The queue (Redis) is down: build it in this request rather than leave it pending.
        log.warning("export %s could not be queued; building it in the request", export_id)
        exports.build(export_id=export_id)
