"""Pages of the flows that go through the mailbox, and of the username change."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.accounts import email_services, mail, username_services
from vitrina.accounts.forms import EmailChangeForm, PasswordResetForm, SetPasswordForm, UsernameForm
from vitrina.core.errors import ServiceError, Throttled
from vitrina.core.forms import add_service_error
from vitrina.core.http import client_ip, safe_next

# The reset link's token is swapped for this marker (and kept in the session) before the
# form is shown, so the token is not in the address bar or a Referer header (as Django does).
RESET_URL_TOKEN = "set-password"
RESET_SESSION_TOKEN = "_password_reset_token"


def _render(request, template, context, *, error: ServiceError | None = None, post_status=422):
    status = 200 if request.method != "POST" else post_status
    response = render(request, template, context, status=error.status if error else status)
    if isinstance(error, Throttled):
        response["Retry-After"] = str(error.retry_after)
    return response


def password_reset(request):
    form = PasswordResetForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            email_services.password_reset_request(
                email=form.cleaned_data["email"], ip=client_ip(request), base_url=mail.site_url(request))
        except ServiceError as exc:
            add_service_error(form, exc)
            error = exc
        else:
            # The same page whether or not an account has this address.
            return render(request, "accounts/password_reset_sent.html")
    return _render(request, "accounts/password_reset.html", {"form": form}, error=error)


def password_reset_confirm(request, uidb64, token):
    if token != RESET_URL_TOKEN:
        if email_services.password_reset_user(uid=uidb64, token=token) is None:
            return render(request, "accounts/password_reset_invalid.html", status=400)
        request.session[RESET_SESSION_TOKEN] = token
        return redirect("accounts:password_reset_confirm", uidb64=uidb64, token=RESET_URL_TOKEN)
    token = request.session.get(RESET_SESSION_TOKEN, "")
    if email_services.password_reset_user(uid=uidb64, token=token) is None:
        return render(request, "accounts/password_reset_invalid.html", status=400)
    form = SetPasswordForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            email_services.password_reset_confirm(uid=uidb64, token=token,
                                                  new_password=form.cleaned_data["new_password"])
        except ServiceError as exc:
            add_service_error(form, exc)
            error = exc
        else:
            request.session.pop(RESET_SESSION_TOKEN, None)
            messages.success(request, _("Your password has been set. Log in with it."))
            return redirect("accounts:login")
    return _render(request, "accounts/password_reset_confirm.html", {"form": form}, error=error)


def _email_link(request, token, *, apply, template):
    """GET shows a button; POST applies the link (mail scanners that open links only GET them)."""
    if request.method == "POST":
        try:
            apply(token=token)
        except ServiceError:
            return render(request, "accounts/email_link_invalid.html", status=400)
        messages.success(request, _("Your email address is confirmed."))
        return redirect("web:home" if request.user.is_authenticated else "accounts:login")
    return render(request, template)


def email_verify(request, token):
    return _email_link(request, token, apply=email_services.email_verify, template="accounts/email_verify.html")


def email_confirm(request, token):
    return _email_link(request, token, apply=email_services.email_change_confirm,
                       template="accounts/email_confirm.html")


@login_required
@require_POST
def email_resend(request):
    try:
        email_services.email_verification_send(user=request.user, base_url=mail.site_url(request))
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("A confirmation link is on its way to your email address."))
    return redirect(safe_next(request, "/"))


@login_required
def email_change(request):
    form = EmailChangeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            email_services.email_change_request(
                user=request.user, new_email=form.cleaned_data["email"], password=form.cleaned_data["password"],
                base_url=mail.site_url(request))
        except ServiceError as exc:
            add_service_error(form, exc)
            error = exc
        else:
            messages.success(request, _("Open the link sent to your new address to confirm it."))
            return redirect("accounts:settings_account")
    return _render(request, "accounts/email_change.html", {"form": form}, error=error)


@login_required
def username_change(request):
    form = UsernameForm(request.POST or None, initial={"username": request.user.username})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            user = username_services.username_change(user=request.user, username=form.cleaned_data["username"])
        except ServiceError as exc:
            add_service_error(form, exc)
            error = exc
        else:
            messages.success(request, _("Your username is now @%(username)s.") % {"username": user.username})
            return redirect("profile", username=user.username)
    context = {"form": form, "hold_days": settings.USERNAME_HOLD_DAYS}
    return _render(request, "accounts/username_change.html", context, error=error)
