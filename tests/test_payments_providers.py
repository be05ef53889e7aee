"""Payments behind one provider interface: the registry, and each built-in provider following its order."""

import pytest
from django.urls import reverse

from tests.payments_helpers import order_for, parties  # noqa: F401 - a fixture
from vitrina.core.errors import Conflict, NotFound
from vitrina.orders import lifecycle, payments
from vitrina.orders.models import Payment, PaymentStatus
from vitrina.orders.payments import registry
from vitrina.orders.payments.base import Provider
from vitrina.orders.payments.builtin import BankTransfer, CashOnDelivery
from vitrina.orders.payments.sandbox import SandboxCard

pytestmark = pytest.mark.django_db


class ThirdPartyCard(Provider):
    """What a real gateway looks like to Vitrina: one class, named in PAYMENT_PROVIDERS."""

    name = "thirdparty"
    online = True
    refunds = []

    def authorize(self, payment):
        payment.reference = f"tp-{payment.order.number}"

    def pay_url(self, payment):
        return f"https://pay.example/{payment.reference}"

    def refund(self, payment):
        self.refunds.append(payment.reference)
        super().refund(payment)


def walk(order, actor, *steps):
    for to in steps:
        order = lifecycle.order_transition(order_id=order.pk, actor=actor, to=to)
    return order


def payment_of(order) -> Payment:
    return Payment.objects.get(order_id=order.pk)


def test_registry_has_a_provider_per_method_and_finds_them_by_name():
    assert isinstance(registry.provider_for("cod"), CashOnDelivery)
    assert isinstance(registry.provider_for("bank_transfer"), BankTransfer)
    assert isinstance(registry.provider_for("card"), SandboxCard)
    assert registry.provider_named("sandbox") is registry.provider_for("card")
    with pytest.raises(NotFound):
        registry.provider_named("stripe")


def test_a_gateway_plugs_in_as_one_class_named_in_the_setting(settings, parties):
    settings.PAYMENT_PROVIDERS = {"card": "tests.test_payments_providers.ThirdPartyCard"}
    assert isinstance(registry.provider_for("card"), ThirdPartyCard)
    assert isinstance(registry.provider_for("cod"), CashOnDelivery)  # the others stay built in
    with pytest.raises(NotFound):
        registry.provider_named("sandbox")  # no longer configured: its pages and webhook are gone
    order = order_for(parties, "card")
    payment = payment_of(order)
    assert (payment.provider, payment.reference, payment.status) == ("thirdparty", f"tp-{order.number}", "pending")
    assert payments.pay_url(order) == f"https://pay.example/tp-{order.number}"
    seller = parties[0]
    order = walk(walk(order, None, "paid"), seller, "refunded")
    assert payment_of(order).status == "refunded" and ThirdPartyCard.refunds == [f"tp-{order.number}"]


def test_cash_on_delivery_is_captured_when_delivered(parties):
    seller, _buyer, _variant = parties
    order = order_for(parties, "cod")
    payment = payment_of(order)
    assert (payment.provider, payment.status, payment.reference) == ("cod", "pending", "")
    assert payment.amount == order.total and payment.currency == "RUB"
    assert payments.pay_url(order) is None
    order = walk(order, seller, "confirmed", "shipped")
    assert payment_of(order).status == "pending"
    walk(order, seller, "delivered")
    assert payment_of(order).status == "captured"


def test_cash_on_delivery_refunded_after_delivery_is_refunded(parties):
    seller, _buyer, _variant = parties
    order = walk(order_for(parties, "cod"), seller, "confirmed", "shipped", "delivered", "refunded")
    assert payment_of(order).status == "refunded"


def test_bank_transfer_marked_paid_by_the_seller_is_captured(parties):
    seller, buyer, _variant = parties
    order = order_for(parties, "bank_transfer")
    assert payment_of(order).provider == "bank_transfer" and payments.pay_url(order) is None
    with pytest.raises(Conflict):
        walk(order, buyer, "paid")  # only the seller says the money arrived
    assert payment_of(order).status == "pending"
    walk(order, seller, "confirmed", "paid")
    assert payment_of(order).status == "captured"
    walk(order, seller, "refunded")
    assert payment_of(order).status == "refunded"


def test_a_cancelled_order_voids_its_payment(parties):
    _seller, buyer, _variant = parties
    order = walk(order_for(parties, "card"), buyer, "cancelled")
    assert payment_of(order).status == PaymentStatus.FAILED
    assert payments.pay_url(order) is None


def test_card_payment_has_a_sandbox_reference_and_a_pay_page(parties):
    order = order_for(parties, "card")
    payment = payment_of(order)
    assert payment.provider == "sandbox" and payment.reference.startswith("sbx_")
    assert payments.pay_url(order) == reverse("orders:sandbox_pay", args=[payment.reference])
    walk(order, None, "paid")
    order.refresh_from_db()
    assert payment_of(order).status == "captured" and payments.pay_url(order) is None
