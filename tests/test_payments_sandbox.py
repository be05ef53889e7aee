"""The sandbox card provider's pay page: the buyer's only, Pay completes the order through the signed webhook path."""

import pytest
from django.urls import reverse

from tests.payments_helpers import order_for, parties  # noqa: F401 - a fixture
from vitrina.orders import payments
from vitrina.orders.models import OrderEvent, Payment, WebhookEvent

pytestmark = pytest.mark.django_db


def pay_page(order) -> str:
    return reverse("orders:sandbox_pay", args=[Payment.objects.get(order=order).reference])


@pytest.mark.parametrize(("lang", "title", "button"), [
    ("en", "Card payment", "Decline"),
    ("ru", "Оплата картой", "Отклонить"),
    ("bn", "কার্ডে পেমেন্ট", "প্রত্যাখ্যান"),
])
def test_the_buyer_sees_the_pay_page_in_their_language(page_client, parties, lang, title, button):
    _seller, buyer, _variant = parties
    order = order_for(parties, "card")
    response = page_client(buyer).get(pay_page(order), headers={"Accept-Language": lang})
    html = response.content.decode()
    assert response.status_code == 200
    assert title in html and button in html and order.number in html
    assert 'data-testid="sandbox-pay-button"' in html


def test_another_member_or_the_seller_gets_404_and_a_visitor_is_sent_to_log_in(page_client, parties, make_user):
    seller, _buyer, _variant = parties
    order = order_for(parties, "card")
    url = pay_page(order)
    for person in (make_user("stranger"), seller):
        assert page_client(person).get(url).status_code == 404
        assert page_client(person).post(url, {"outcome": "pay"}).status_code == 404
    assert page_client().get(url).status_code == 302
    assert page_client(seller).get(reverse("orders:sandbox_pay", args=["sbx_nothing"])).status_code == 404
    order.refresh_from_db()
    assert order.status == "placed" and not WebhookEvent.objects.exists()


def test_pay_marks_the_order_paid_by_a_signed_webhook_event(page_client, parties):
    _seller, buyer, _variant = parties
    order = order_for(parties, "card")
    client = page_client(buyer)
    response = client.post(pay_page(order), {"outcome": "pay"})
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    order.refresh_from_db()
    payment = Payment.objects.get(order=order)
    assert (order.status, payment.status) == ("paid", "captured")
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.actor, event.from_status, event.to_status) == (None, "placed", "paid")
    [received] = WebhookEvent.objects.all()
    assert received.provider == "sandbox" and event.note == received.event_id
    # Nothing is left to pay: the page says so and a second Pay changes nothing.
    html = client.get(pay_page(order)).content.decode()
    assert 'data-testid="sandbox-nothing-due"' in html and "sandbox-pay-button" not in html
    client.post(pay_page(order), {"outcome": "pay"})
    assert OrderEvent.objects.filter(order=order).count() == 2 and WebhookEvent.objects.count() == 1


def test_decline_fails_the_payment_and_the_buyer_may_pay_again(page_client, parties):
    _seller, buyer, _variant = parties
    order = order_for(parties, "card")
    client = page_client(buyer)
    response = client.post(pay_page(order), {"outcome": "decline"})
    assert response.status_code == 302 and response["Location"] == pay_page(order)
    order.refresh_from_db()
    assert order.status == "placed" and Payment.objects.get(order=order).status == "failed"
    assert payments.pay_url(order) == pay_page(order)
    client.post(pay_page(order), {"outcome": "pay"})
    order.refresh_from_db()
    assert order.status == "paid" and Payment.objects.get(order=order).status == "captured"
    assert WebhookEvent.objects.count() == 2


def test_cash_and_transfer_orders_have_no_pay_page(parties):
    for method in ("cod", "bank_transfer"):
        order = order_for(parties, method, quantity=1)
        assert payments.pay_url(order) is None
