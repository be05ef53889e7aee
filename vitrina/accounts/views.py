from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.i18n import set_language
from django.views.decorators.http import require_POST

from vitrina.accounts import mail, selectors, services, sessions
from vitrina.accounts.forms import AvatarForm, LoginForm, PasswordForm, SignupForm
from vitrina.core.errors import NotFound, ServiceError, Throttled
from vitrina.core.forms import add_service_error
from vitrina.core.http import client_ip, safe_next


def signup(request):
    if request.user.is_authenticated:
        return redirect("web:home")
    form = SignupForm(request.POST or None)
    status = 200
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_signup(**form.cleaned_data, ip=client_ip(request), email_link_base=mail.site_url(request))
        except Throttled as exc:
            add_service_error(form, exc)
            status, retry_after = 429, exc.retry_after
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            # The language the page was read in, until the member chooses one (for order emails).
            services.user_language_set(user=user, language=request.LANGUAGE_CODE)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Vitrina! Add a photo and a bio so friends can find you."))
            return redirect("social:edit")
    if request.method == "POST" and status == 200:
        status = 422
    response = render(request, "accounts/signup.html", {"form": form}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def login_view(request):
    if request.user.is_authenticated:
        return redirect("web:home")
    form = LoginForm(request.POST or None)
    status = 200
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_check(ip=client_ip(request), **form.cleaned_data)
        except Throttled as exc:
            add_service_error(form, exc)
            status, retry_after = 429, exc.retry_after
        except ServiceError as exc:
            add_service_error(form, exc)
            status = 401
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(safe_next(request, "/", source=request.GET))
    elif request.method == "POST":
        status = 422
    response = render(request, "accounts/login.html", {"form": form}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@login_required
def password_change(request):
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                keep_session_key=request.session.session_key,
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:settings_account")
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/password.html", {"form": form}, status=status)


@login_required
@require_POST
def avatar(request):
    form = AvatarForm(request.POST, request.FILES)
    if request.POST.get("remove"):
        services.avatar_remove(user=request.user)
        messages.success(request, _("Profile photo removed."))
        return redirect("social:edit")
    if form.is_valid():
        try:
            services.avatar_set(user=request.user, upload=form.cleaned_data["image"])
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Profile photo updated."))
    else:
        messages.error(request, _("Choose a photo to upload."))
    return redirect("social:edit")


@login_required
def settings_index(request):
    """Settings: one row per screen (Edit profile, Account, Privacy, Security, Language, Your data) and Log out."""
    return render(request, "accounts/settings.html")


@login_required
def settings_account(request):
    """Settings -> Account: email address, username and password, each on its own page."""
    return render(request, "accounts/settings_account.html")


@login_required
def settings_language(request):
    """Settings -> Language. The choice goes to Django's set_language (the language cookie), as for
    visitors, and is kept on the account for what reaches the member outside a page (order emails)."""
    if request.method == "POST":
        services.user_language_set(user=request.user, language=request.POST.get("language", ""))
        return set_language(request)
    return render(request, "accounts/settings_language.html")


@login_required
def security(request):
    """Settings -> Security: where the account is logged in, and ending those sessions."""
    items = selectors.sessions_of(user=request.user, current_session_id=request.session.get(sessions.SESSION_MARK))
    return render(request, "accounts/security.html", {"items": items})


@login_required
@require_POST
def security_revoke(request):
    try:
        sessions.session_revoke(user=request.user, session_id=request.POST.get("id", ""))
    except NotFound:
        messages.error(request, _("That session has already ended."))
    else:
        messages.success(request, _("Signed out."))
    return redirect("accounts:security")


@login_required
@require_POST
def security_revoke_others(request):
    ended = services.sign_out_everywhere(user=request.user, keep_session_key=request.session.session_key)
    messages.success(request, ngettext(
        "Signed out of %(count)d other session.", "Signed out of %(count)d other sessions.", ended,
    ) % {"count": ended})
    return redirect("accounts:security")
