from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from vitrina.core.errors import ServiceError
from vitrina.core.forms import add_service_error
from vitrina.core.views import not_found_as_404
from vitrina.lifecycle import selectors, services
from vitrina.lifecycle.api import download
from vitrina.lifecycle.forms import DeleteAccountForm


def _page(request, form=None, status=200):
    context = {"export": selectors.export_latest(user=request.user), "delete_form": form or DeleteAccountForm(),
               "grace_days": settings.ACCOUNT_DELETION_GRACE_DAYS}
    return render(request, "lifecycle/data.html", context, status=status)


@login_required
def data(request):
    """Account settings: download your data, delete your account."""
    return _page(request)


@login_required
@require_POST
def export_request(request):
    services.export_request(user=request.user)
    days = settings.EXPORT_TTL_DAYS
    messages.success(request, ngettext(
        "Your download is being prepared. Once ready, it stays here for %(days)d day.",
        "Your download is being prepared. Once ready, it stays here for %(days)d days.", days,
    ) % {"days": days})
    return redirect("lifecycle:data")


@login_required
@not_found_as_404
def export_file(request, export_id):
    return download(selectors.export_for_download(user=request.user, export_id=export_id))


@login_required
@require_POST
def delete_account(request):
    form = DeleteAccountForm(request.POST)
    if form.is_valid():
        try:
            deletion = services.account_delete_request(user=request.user, password=form.cleaned_data["password"])
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            logout(request)
            messages.success(request, _(
                "Your account is deactivated and will be deleted on %(date)s. "
                "To keep it, log in again before then."
            ) % {"date": formats.date_format(deletion.purge_after, "DATE_FORMAT")})
            return redirect("accounts:login")
    return _page(request, form, status=422)
