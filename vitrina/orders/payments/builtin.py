"""The providers with nothing online: the money changes hands outside Vitrina, and the seller says
when. Their Payment has no reference and no webhook."""

from django.utils.translation import gettext_lazy as _

from vitrina.orders.payments.base import Provider


class CashOnDelivery(Provider):
    """Paid to the courier or at pickup: captured when the seller marks the order delivered."""

    name = "cod"
    label = _("Cash on delivery")


class BankTransfer(Provider):
    """The buyer transfers to the shop's bank details; captured when the seller marks the order paid."""

    name = "bank_transfer"
    label = _("Bank transfer")
