"""Account emails: password reset, address confirmation, notice of a change.

Services ask for an email with `send_after_commit`; the message is built and sent by a
background task (in-process by default, on an RQ worker with TASKS_BACKEND=rq), so the
time a request takes does not depend on whether an email went out, and a slow SMTP
server never holds a request. Links and tokens are made inside the task: nothing secret
travels through the queue. Emails are plain text, in the language the member was using.
"""

from functools import partial

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from vitrina.accounts.models import User

VERIFY_SALT = "vitrina.accounts.email-verify"
CHANGE_SALT = "vitrina.accounts.email-change"

RESET = "password_reset"
VERIFY = "email_verify"
CHANGE = "email_change"
CHANGE_NOTICE = "email_change_notice"
KINDS = (RESET, VERIFY, CHANGE, CHANGE_NOTICE)


def site_url(request) -> str:
    """Where links in emails point: SITE_URL, or the (ALLOWED_HOSTS-checked) host of the request."""
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")


def verify_token(user: User) -> str:
    # Names the address, so a link sent to an address the member has since left does nothing.
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def change_token(user: User, new_email: str) -> str:
    # Names the old address too: once the change is made the link is spent.
    return signing.dumps({"u": user.pk, "old": user.email, "new": new_email}, salt=CHANGE_SALT)


def read_token(token: str, *, salt: str) -> dict | None:
    try:
        data = signing.loads(token or "", salt=salt, max_age=settings.EMAIL_LINK_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def _context(kind: str, user: User, to: str, base_url: str) -> dict:
    context = {"user": user, "to": to, "base_url": base_url, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
               "days": settings.EMAIL_LINK_MAX_AGE // 86400}
    if kind == RESET:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        context.update(uid=uid, token=token,
                       link=base_url + reverse("accounts:password_reset_confirm", args=[uid, token]))
    elif kind == VERIFY:
        context["link"] = base_url + reverse("accounts:email_verify", args=[verify_token(user)])
    elif kind == CHANGE:
        context["link"] = base_url + reverse("accounts:email_confirm", args=[change_token(user, to)])
    return context


@task()
def send_account_email(*, kind: str, user_id: int, language: str, base_url: str, to: str = "") -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or kind not in KINDS:
        return
    to = to or user.email
    with translation.override(language):
        context = _context(kind, user, to, base_url)
        subject = " ".join(render_to_string(f"accounts/email/{kind}_subject.txt", context).split())
        body = render_to_string(f"accounts/email/{kind}.txt", context)
    EmailMessage(subject=subject, body=body, to=[to]).send()


def send_after_commit(*, kind: str, user: User, base_url: str, to: str = "") -> None:
    """Send `kind` to the member (or to `to`) once the surrounding transaction commits."""
    transaction.on_commit(partial(
        send_account_email.enqueue, kind=kind, user_id=user.pk, language=translation.get_language() or "en",
        base_url=base_url, to=to,
    ))
