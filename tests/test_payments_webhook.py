"""The payment webhook: only signed, fresh events are taken, each applied once, for the payment's amount."""

import time
from types import SimpleNamespace
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests import threads
from tests.checkout_helpers import stock_of
from tests.conftest import assert_error
from tests.payments_helpers import deliver, event_body, order_for, parties, signed  # noqa: F401 - a fixture
from vitrina.orders import lifecycle
from vitrina.orders.models import Order, OrderEvent, Payment, WebhookEvent
from vitrina.orders.payments import signing, webhooks

pytestmark = pytest.mark.django_db


def card_order(parties):
    order = order_for(parties, "card")
    return order, Payment.objects.get(order=order)


def state(order) -> tuple:
    order.refresh_from_db()
    return (order.status, Payment.objects.get(order=order).status, OrderEvent.objects.filter(order=order).count(),
            WebhookEvent.objects.count())


def test_a_signed_success_event_marks_the_order_paid(parties):
    order, payment = card_order(parties)
    body = event_body(payment)
    response = deliver(body, signed(body))
    assert response.status_code == 200 and response.json() == {"status": "applied"}
    assert state(order) == ("paid", "captured", 2, 1)
    assert OrderEvent.objects.filter(order=order).last().actor is None


@pytest.mark.parametrize("forge", ["missing", "bad_digest", "other_secret", "unreadable", "tampered_body"])
def test_a_forged_event_is_400_and_changes_nothing(parties, forge):
    order, payment = card_order(parties)
    body = event_body(payment)
    headers = {
        "missing": {},
        "bad_digest": {signing.HEADER: f"t={int(time.time())},v1={'0' * 64}"},
        "other_secret": signed(body, secret="not the shop's secret"),
        "unreadable": {signing.HEADER: "v1"},
        "tampered_body": signed(event_body(payment, amount="1")),
    }[forge]
    error = assert_error(deliver(body, headers), 400)
    assert error["code"] == ("signature_missing" if forge == "missing" else "signature_invalid")
    assert state(order) == ("placed", "pending", 1, 0)


@pytest.mark.parametrize("offset", [-301, -3600, 301, 86400])
def test_a_timestamp_outside_five_minutes_either_way_is_refused(parties, offset, monkeypatch):
    order, payment = card_order(parties)
    body = event_body(payment)
    # The clock held still: 301 s is one second past the tolerance however long the request takes.
    now = int(time.time())
    monkeypatch.setattr(webhooks, "time", SimpleNamespace(time=lambda: now))
    error = assert_error(deliver(body, signed(body, timestamp=now + offset)), 400)
    assert error["code"] == "signature_expired"
    assert state(order) == ("placed", "pending", 1, 0)


def test_a_timestamp_within_the_window_is_taken(parties):
    order, payment = card_order(parties)
    body = event_body(payment)
    assert deliver(body, signed(body, timestamp=int(time.time()) - 240)).status_code == 200
    assert state(order)[0] == "paid"


def test_a_replayed_event_id_is_applied_once(parties):
    order, payment = card_order(parties)
    body = event_body(payment, event_id="evt_once")
    assert deliver(body, signed(body)).json() == {"status": "applied"}
    before = state(order)
    for _ in range(3):
        response = deliver(body, signed(body))
        assert response.status_code == 200 and response.json() == {"status": "duplicate"}
    assert state(order) == before == ("paid", "captured", 2, 1)


def test_a_replayed_failure_does_not_undo_a_later_success(parties):
    order, payment = card_order(parties)
    failed = event_body(payment, event_id="evt_failed", type="payment.failed")
    assert deliver(failed, signed(failed)).json() == {"status": "applied"}
    assert state(order) == ("placed", "failed", 1, 1)
    succeeded = event_body(payment, event_id="evt_ok")
    assert deliver(succeeded, signed(succeeded)).json() == {"status": "applied"}
    assert deliver(failed, signed(failed)).json() == {"status": "duplicate"}
    assert state(order) == ("paid", "captured", 2, 2)


@pytest.mark.parametrize(("amount", "currency"), [("1", None), ("3000.01", None), (None, "USD")])
def test_an_amount_or_currency_not_the_payments_is_422(parties, amount, currency):
    order, payment = card_order(parties)
    body = event_body(payment, amount=amount, currency=currency)
    assert_error(deliver(body, signed(body)), 422, "amount_mismatch", "amount")
    assert state(order) == ("placed", "pending", 1, 0)


def test_unknown_provider_reference_or_event_shape(parties):
    order, payment = card_order(parties)
    body = event_body(payment)
    stripe = Client().post("/api/vitrina/v1/payments/stripe/webhook", data=body, content_type="application/json",
                           headers=signed(body))
    assert_error(stripe, 404, "provider_not_found")
    payment.reference = "sbx_unknown"
    unknown = event_body(payment)
    assert_error(deliver(unknown, signed(unknown)), 404, "payment_not_found")
    for bad in (b"not json", b'{"id": "e", "type": "payment.refunded", "data": {}}', b"[]"):
        assert_error(deliver(bad, signed(bad)), 422, "invalid_event")
    assert state(order) == ("placed", "pending", 1, 0)


def test_an_expired_card_order_is_not_brought_back_by_a_late_success(parties):
    _seller, _buyer, variant = parties
    order, payment = card_order(parties)
    assert stock_of(variant) == 3
    assert lifecycle.orders_expire(now=timezone.now() + timedelta(hours=2)) == 1
    assert state(order) == ("cancelled", "failed", 2, 0)
    assert stock_of(variant) == 5
    body = event_body(payment, event_id="evt_late")
    response = deliver(body, signed(body))
    assert response.status_code == 200 and response.json() == {"status": "ignored"}
    assert state(order) == ("cancelled", "failed", 2, 1)  # recorded, nothing else changed
    assert stock_of(variant) == 5
    assert deliver(body, signed(body)).json() == {"status": "duplicate"}


def test_a_paid_order_does_not_expire(parties):
    order, payment = card_order(parties)
    body = event_body(payment)
    deliver(body, signed(body))
    assert lifecycle.orders_expire(now=timezone.now() + timedelta(hours=2)) == 0
    assert state(order)[0] == "paid"


def test_the_webhook_url_takes_only_post(parties):
    assert_error(Client().get("/api/vitrina/v1/payments/sandbox/webhook"), 405)


@pytest.mark.django_db(transaction=True)
def test_one_event_delivered_ten_times_at_once_is_applied_once(parties):
    order, payment = card_order(parties)
    body = event_body(payment, event_id="evt_race")
    headers = signed(body)
    results = threads.run_at_once([
        lambda: webhooks.webhook_receive(provider="sandbox", body=body, headers=headers) for _ in range(10)])
    assert sorted(results) == ["applied"] + ["duplicate"] * 9, results
    assert state(order) == ("paid", "captured", 2, 1)
    assert OrderEvent.objects.filter(order=order, to_status="paid").count() == 1
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_success_racing_the_expiry_job_leaves_one_outcome(parties):
    _seller, _buyer, variant = parties
    order, payment = card_order(parties)
    body = event_body(payment, event_id="evt_vs_expiry")
    headers = signed(body)
    later = timezone.now() + timedelta(hours=2)
    results = threads.run_at_once([
        lambda: webhooks.webhook_receive(provider="sandbox", body=body, headers=headers),
        lambda: lifecycle.orders_expire(now=later),
    ])
    assert not [r for r in results if isinstance(r, Exception)], results
    order = Order.objects.get(pk=order.pk)
    payment.refresh_from_db()
    if order.status == "paid":
        assert payment.status == "captured" and stock_of(variant) == 3 and "applied" in results
    else:
        assert order.status == "cancelled" and payment.status == "failed" and stock_of(variant) == 5
        assert "ignored" in results
    connection.close()


def test_the_configured_secret_is_the_one_checked_and_a_rotation_may_send_two(parties, settings):
    order, payment = card_order(parties)
    body = event_body(payment)
    derived = signed(body)
    settings.SANDBOX_WEBHOOK_SECRET = "whsec_new"
    assert_error(deliver(body, derived), 400, "signature_invalid")
    now = int(time.time())
    # While a secret is being rotated the sender signs with both; one matching v1 is enough.
    both = f"t={now},v1={signing.signature('whsec_old', now, body)},v1={signing.signature('whsec_new', now, body)}"
    assert deliver(body, {signing.HEADER: both}).json() == {"status": "applied"}
    assert state(order)[0] == "paid"
