"""The buyer's pages of orders: "My orders" and an order's page with its timeline and Cancel.

Every order is read through a selector that answers NotFound (the site's 404) for anyone but its
buyer. Changes post a form and redirect back (post/redirect/get), so a reload never repeats one.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.core.errors import NotFound, ServiceError
from vitrina.core.pagination import InvalidCursor
from vitrina.core.views import not_found_as_404
from vitrina.orders import lifecycle, payments, selectors
from vitrina.orders.models import OrderStatus
from vitrina.orders.order_views import order_context

PAGE_SIZE = 20


@login_required
def orders(request):
    try:
        page = selectors.orders_for_buyer(buyer=request.user, cursor=request.GET.get("cursor"), limit=PAGE_SIZE)
    except InvalidCursor:
        # A cursor mangled in a shared link: the newest orders rather than an error page.
        page = selectors.orders_for_buyer(buyer=request.user, limit=PAGE_SIZE)
    return render(request, "orders/orders.html", {"page": page})


@login_required
@not_found_as_404
def order(request, number: str):
    item = selectors.order_for_buyer(buyer=request.user, number=number)
    allowed = lifecycle.allowed_next(item, request.user)
    context = order_context(item, viewer=request.user)
    context.update({"can_cancel": OrderStatus.CANCELLED in allowed, "pay_url": payments.pay_url(item)})
    return render(request, "orders/order.html", context)


@login_required
@require_POST
@not_found_as_404
def order_cancel(request, number: str):
    item = selectors.order_for_buyer(buyer=request.user, number=number)
    try:
        lifecycle.order_transition(order_id=item.pk, actor=request.user, to=OrderStatus.CANCELLED)
    except NotFound:
        raise
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your order is cancelled."))
    return redirect(item.get_absolute_url())
