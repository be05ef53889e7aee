"""Pages of the cart: lines grouped by seller, and each seller's checkout in a bottom sheet.

The sheet is a <details> on the cart page, so it opens without JavaScript; /cart/checkout/<seller>/
is the same page with that sheet open, for a link or for showing a refused order's errors.
Each sheet carries an Idempotency-Key made when it is rendered: a double tap on "Place order"
sends the same key twice and makes one order.
"""

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.core.errors import NotFound, ServiceError
from vitrina.core.http import add_retry_after, safe_next
from vitrina.core.views import not_found_as_404
from vitrina.orders import cart as carts
from vitrina.orders.addresses import addresses_of
from vitrina.orders.checkout import order_place
from vitrina.orders.quote import Quote, order_quote


def form_int(raw):
    """A form's whole number as an int; anything else is passed on as it is, for the service to refuse."""
    return int(raw) if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 19 else raw


@dataclass
class Sheet:
    """One seller's part of the cart page with its checkout sheet."""

    quote: Quote
    key: str
    chosen: dict
    is_open: bool = False
    error: ServiceError | None = None

    @property
    def group(self):
        return self.quote.group


def _chosen(data, addresses) -> dict:
    default = next((a.pk for a in addresses if a.is_default), None)
    return {"address": form_int(data.get("shipping_address", "")) if "shipping_address" in data else default,
            "delivery": data.get("delivery_method", ""), "payment": data.get("payment_method", ""),
            "promo": data.get("promo_code", ""), "note": data.get("note", "")}


def _sheets(request, *, open_seller: str = "", data=None, error: ServiceError | None = None) -> list[Sheet]:
    addresses = addresses_of(owner=request.user)
    sheets = []
    for group in carts.cart_grouped(buyer=request.user):
        is_open = group.seller.username == open_seller
        values = data if is_open and data is not None else {}
        chosen = _chosen(values, addresses)
        quote = order_quote(group=group, delivery_code=chosen["delivery"], promo_code=chosen["promo"])
        chosen["delivery"] = quote.delivery.code if quote.delivery else ""
        chosen["payment"] = chosen["payment"] or (quote.payment_methods[0] if quote.payment_methods else "")
        key = values.get("idempotency_key") or uuid.uuid4().hex
        sheets.append(Sheet(quote=quote, key=key, chosen=chosen, is_open=is_open, error=error if is_open else None))
    return sheets


def _render(request, *, notice: str = "", status: int = 200, partial: bool = False, **kwargs):
    context = {"sheets": _sheets(request, **kwargs), "addresses": addresses_of(owner=request.user),
               "notice": notice}
    template = "orders/_cart.html" if partial else "orders/cart.html"
    return render(request, template, context, status=status)


@login_required
def cart(request):
    return _render(request)


@login_required
def checkout_sheet(request, seller: str):
    return _render(request, open_seller=seller.lower())


@login_required
@require_POST
@not_found_as_404
def cart_add(request):
    """The product page's "Add to cart": back to the product with a toast (or, for htmx, a status line)."""
    variant_id = form_int(request.POST.get("variant_id", ""))
    variant = carts.visible_variants(request.user).filter(pk=variant_id).select_related("product").first() \
        if isinstance(variant_id, int) else None
    fallback = variant.product.get_absolute_url() if variant else reverse("orders:cart")
    try:
        carts.cart_add(buyer=request.user, variant_id=variant_id, quantity=form_int(request.POST.get("quantity", "1")))
    except NotFound:
        raise
    except ServiceError as error:
        if request.htmx:
            return add_retry_after(render(request, "orders/_added.html", {"error": error}, status=error.status), error)
        messages.error(request, str(error.message))
        return redirect(safe_next(request, fallback))
    if request.htmx:
        return render(request, "orders/_added.html", {"count": carts.cart_count(buyer=request.user)})
    messages.success(request, _("Added to your cart."))
    return redirect(safe_next(request, fallback))


@login_required
@require_POST
@not_found_as_404
def cart_line(request, line_id: int):
    """A stepper tap (quantity) or Remove on one line."""
    notice, status = "", 200
    try:
        if "remove" in request.POST:
            carts.cart_remove(buyer=request.user, line_id=line_id)
        else:
            carts.cart_update(buyer=request.user, line_id=line_id, quantity=form_int(request.POST.get("quantity")))
    except NotFound:
        raise
    except ServiceError as error:
        notice, status = str(error.message), error.status
        if not request.htmx:
            messages.error(request, notice)
    if request.htmx:
        return _render(request, notice=notice, status=status, partial=True)
    return redirect("orders:cart")


@login_required
@require_POST
def checkout_total(request, seller: str):
    """The sheet's live total (htmx): recomputed from the chosen delivery and promo code."""
    sheet = next((s for s in _sheets(request, open_seller=seller.lower(), data=request.POST) if s.is_open), None)
    if sheet is None:
        return _render(request, partial=True)
    return render(request, "orders/_checkout_total.html", {"sheet": sheet})


@login_required
@require_POST
@not_found_as_404
def checkout(request, seller: str):
    """Place the order of one seller's lines; "Apply" (without JavaScript) only recomputes the total."""
    data = request.POST
    seller = seller.lower()
    if "apply" in data:
        return _render(request, open_seller=seller, data=data)
    try:
        order = order_place(
            buyer=request.user, seller=seller, shipping_address=form_int(data.get("shipping_address") or None),
            delivery_method=data.get("delivery_method", ""), payment_method=data.get("payment_method", ""),
            promo_code=data.get("promo_code") or None, note=data.get("note", ""),
            idempotency_key=data.get("idempotency_key", ""), expected_total=data.get("expected_total") or None,
        )
    except NotFound:
        raise
    except ServiceError as error:
        response = _render(request, open_seller=seller, data=data, error=error, status=error.status)
        return add_retry_after(response, error)
    return redirect(order.get_absolute_url())
