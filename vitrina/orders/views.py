"""Pages of orders."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

from vitrina.orders import selectors


@login_required
def order(request, number: str):
    item = selectors.order_for_buyer(buyer=request.user, number=number)
    return render(request, "orders/order.html", {"order": item})


def cart(request):
    raise Http404  # STUB: the cart page (checkout work)


@require_POST
def cart_add(request):
    raise Http404  # STUB: POST variant_id, quantity (checkout work)
