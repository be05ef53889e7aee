"""The sandbox card provider's pay page: the buyer's stand-in for a gateway's hosted checkout."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vitrina.core.errors import NotFound, ServiceError
from vitrina.core.views import not_found_as_404
from vitrina.orders import payments
from vitrina.orders.payments import sandbox, webhooks


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def sandbox_pay(request, reference: str):
    payment = sandbox.payment_for_buyer(buyer=request.user, reference=reference)
    order = payment.order
    if request.method == "POST":
        succeed = request.POST.get("outcome") == "pay"
        try:
            outcome = sandbox.sandbox_complete(buyer=request.user, reference=reference, succeed=succeed)
        except NotFound:
            raise
        except ServiceError as error:
            messages.error(request, str(error.message))
            return redirect(order.get_absolute_url())
        if not succeed:
            messages.error(request, _("The card was declined. Try again or choose another card."))
            return redirect(request.path)
        if outcome == webhooks.APPLIED:
            messages.success(request, _("Payment received. Thank you!"))
        return redirect(order.get_absolute_url())
    return render(request, "orders/sandbox_pay.html", {
        "order": order, "payment": payment, "payable": payments.pay_url(order) is not None,
    })
