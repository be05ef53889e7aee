"""Pages of orders."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from vitrina.orders import selectors


@login_required
def order(request, number: str):
    item = selectors.order_for_buyer(buyer=request.user, number=number)
    return render(request, "orders/order.html", {"order": item})
