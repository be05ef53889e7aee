from django.contrib.auth import update_session_auth_hash
from django.utils.translation import gettext as _
from ninja import File, Router, UploadedFile
from ninja.responses import Status

from vitrina.accounts import email_services, mail, selectors, services, sessions, username_services
from vitrina.accounts.auth import REQUIRED, bearer
from vitrina.accounts.schemas import (
    DetailOut, EmailChangeIn, EmailTokenIn, MeOut, PasswordIn, PasswordResetConfirmIn, PasswordResetIn, SessionList,
    SessionsEnded, SignupIn, SignupOut, TokenIn, TokenOut, UsernameIn,
)
from vitrina.core.errors import InvalidInput
from vitrina.core.http import client_ip

router = Router(tags=["accounts"])


@router.post("/auth/signup", response={201: SignupOut}, auth=None)
def signup(request, payload: SignupIn):
    user = services.user_signup(**payload.dict(), ip=client_ip(request), email_link_base=mail.site_url(request))
    token = services.token_issue(user=user, name="signup", **sessions.client_details(request))
    return Status(201, {"token": token, "account": user})


@router.post("/auth/token", response=TokenOut, auth=None)
def token(request, payload: TokenIn):
    user = services.login_check(username=payload.username, password=payload.password, ip=client_ip(request))
    return {"token": services.token_issue(user=user, name="api", **sessions.client_details(request))}


@router.delete("/auth/token", response={204: None}, auth=[bearer])
def token_delete(request):
    """Log out: the token this request was made with stops working."""
    services.token_revoke(user=request.auth, token_id=request.auth.token_id)
    return Status(204, None)


def _current(request) -> dict:
    """Which session or token this request came with (bearer auth sets token_id)."""
    token_id = getattr(request.auth, "token_id", None)
    if token_id is not None:
        return {"keep_token_id": token_id}
    return {"keep_session_key": request.session.session_key}


@router.post("/me/password", response={204: None}, auth=REQUIRED)
def me_password(request, payload: PasswordIn):
    """Change the password; every other session and token of the account ends."""
    current = _current(request)
    services.password_change(user=request.auth, old_password=payload.old_password,
                             new_password=payload.new_password, **current)
    if "keep_session_key" in current:
        update_session_auth_hash(request, request.auth)  # the browser that changed it stays logged in
    return Status(204, None)


@router.post("/me/avatar", response=MeOut, auth=REQUIRED)
def me_avatar(request, image: UploadedFile = File(None)):
    if image is None:
        raise InvalidInput(_("Choose a photo to upload."), fields={"image": [_("This field is required.")]})
    return services.avatar_set(user=request.auth, upload=image)


@router.delete("/me/avatar", response=MeOut, auth=REQUIRED)
def me_avatar_delete(request):
    return services.avatar_remove(user=request.auth)


@router.post("/auth/password-reset", response={202: DetailOut}, auth=None)
def password_reset(request, payload: PasswordResetIn):
    """Emails a reset link if an account has this address; the answer is the same if none has."""
    email_services.password_reset_request(email=payload.email, ip=client_ip(request), base_url=mail.site_url(request))
    return Status(202, {"detail": _("If an account uses this address, a link to reset its password is on its way.")})


@router.post("/auth/password-reset/confirm", response={204: None}, auth=None)
def password_reset_confirm(request, payload: PasswordResetConfirmIn):
    """Sets the new password; every session and API token of the account ends."""
    email_services.password_reset_confirm(uid=payload.uid, token=payload.token, new_password=payload.new_password)
    return Status(204, None)


@router.post("/auth/email/verify", response={204: None}, auth=None)
def email_verify(request, payload: EmailTokenIn):
    email_services.email_verify(token=payload.token)
    return Status(204, None)


@router.post("/auth/email/confirm", response={204: None}, auth=None)
def email_change_confirm(request, payload: EmailTokenIn):
    email_services.email_change_confirm(token=payload.token)
    return Status(204, None)


@router.post("/me/email/verification", response={202: DetailOut}, auth=REQUIRED)
def email_verification_resend(request):
    email_services.email_verification_send(user=request.auth, base_url=mail.site_url(request))
    return Status(202, {"detail": _("A confirmation link is on its way to your email address.")})


@router.post("/me/email", response={202: DetailOut}, auth=REQUIRED)
def email_change(request, payload: EmailChangeIn):
    """Starts a change of address: it happens when the link sent to the new address is opened."""
    email_services.email_change_request(user=request.auth, new_email=payload.email, password=payload.password,
                                        base_url=mail.site_url(request))
    return Status(202, {"detail": _("Open the link sent to your new address to confirm it.")})


@router.post("/me/username", response=MeOut, auth=REQUIRED)
def username_change(request, payload: UsernameIn):
    return username_services.username_change(user=request.auth, username=payload.username)


@router.get("/me/sessions", response=SessionList, auth=REQUIRED)
def me_sessions(request):
    """Browser sessions and API tokens that can act for the account; `current` is this one."""
    token_id = getattr(request.auth, "token_id", None)
    session_id = request.session.get(sessions.SESSION_MARK) if token_id is None else None
    items = selectors.sessions_of(user=request.auth, current_session_id=session_id, current_token_id=token_id)
    return {"items": items, "next_cursor": None}


@router.post("/me/sessions/revoke-others", response=SessionsEnded, auth=REQUIRED)
def me_sessions_revoke_others(request):
    return {"ended": services.sign_out_everywhere(user=request.auth, **_current(request))}


# After revoke-others: the first matching path wins.
@router.delete("/me/sessions/{session_id}", response={204: None}, auth=REQUIRED)
def me_session_delete(request, session_id: str):
    sessions.session_revoke(user=request.auth, session_id=session_id)
    return Status(204, None)
