"""Orders of every payment method and signed sandbox webhooks, for the payments tests."""

import json
import time

import pytest
from django.test import Client

from tests.checkout_helpers import fill_cart, make_seller, place
from vitrina.orders.models import Order
from vitrina.orders.payments import signing
from vitrina.orders.payments.sandbox import webhook_secret
from vitrina.shop.models import Shop

WEBHOOK_URL = "/api/vitrina/v1/payments/sandbox/webhook"


@pytest.fixture
def parties(make_user):
    """(seller, buyer, variant): a RUB shop taking every method, with 5 units of one variant at 1500."""
    seller, variant = make_seller(make_user, stock=5)
    Shop.objects.filter(pk=variant.shop_id).update(accepts_bank_transfer=True, accepts_card=True,
                                                   bank_details="IBAN RU00 0000")
    buyer = make_user("buyer")
    return seller, buyer, variant


def order_for(parties, method="card", quantity=2) -> Order:
    seller, buyer, variant = parties
    fill_cart(buyer, variant, quantity)
    return place(buyer, seller, payment_method=method)


def event_body(payment, *, event_id="evt_1", type="payment.succeeded", amount=None, currency=None) -> bytes:
    return json.dumps({"id": event_id, "type": type, "created": int(time.time()), "data": {
        "reference": payment.reference, "amount": str(payment.amount if amount is None else amount),
        "currency": currency or payment.currency}}).encode()


def signed(body: bytes, *, timestamp=None, secret=None) -> dict:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {signing.HEADER: signing.header_value(secret or webhook_secret(), timestamp, body)}


def deliver(body: bytes, headers: dict | None = None):
    """POST the body to the sandbox webhook URL as a gateway would: raw JSON, no session, no CSRF token."""
    return Client(enforce_csrf_checks=True).post(WEBHOOK_URL, data=body, content_type="application/json",
                                                 headers=headers or {})
