"""Settings pages of checkout: the buyer's addresses and the seller's promo codes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.core.errors import NotFound, ServiceError
from vitrina.core.forms import add_service_error
from vitrina.core.http import safe_next
from vitrina.core.views import not_found_as_404
from vitrina.orders import addresses, promos
from vitrina.orders.forms import AddressForm, PromoForm
from vitrina.shop.services import require_business


@login_required
def address_list(request):
    """Settings -> Addresses: the saved ones and a form for a new one (back to checkout with `next`)."""
    form = AddressForm(request.POST or None)
    next_url = safe_next(request, "", source=request.POST if request.method == "POST" else request.GET)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        is_default = data.pop("is_default")
        try:
            addresses.address_create(owner=request.user, data=data, is_default=is_default)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Address saved."))
            return redirect(next_url or reverse("orders:addresses"))
    return render(request, "orders/addresses.html", {
        "items": addresses.addresses_of(owner=request.user), "form": form, "next": next_url},
        status=422 if form.errors else 200)


@login_required
@require_POST
@not_found_as_404
def address_action(request, address_id: int, action: str):
    if action not in ("delete", "default"):
        raise NotFound()
    if action == "delete":
        addresses.address_delete(owner=request.user, address_id=address_id)
        messages.success(request, _("Address deleted."))
    else:
        addresses.address_update(owner=request.user, address_id=address_id, data={}, is_default=True)
    return redirect("orders:addresses")


@login_required
@not_found_as_404
def promo_list(request):
    """The seller's promo codes and a form for a new one."""
    try:
        require_business(request.user)
    except ServiceError:
        raise NotFound() from None
    form = PromoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            promos.promo_create(owner=request.user, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Promo code saved."))
            return redirect("orders:promos")
    return render(request, "orders/promos.html", {"items": promos.promos_of(owner=request.user), "form": form},
                  status=422 if form.errors else 200)
