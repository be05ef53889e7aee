"""Order emails: one to the buyer and one to the seller on each change, each in their own language,
sent only once the change has committed."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from tests.checkout_helpers import fill_cart, make_seller, place
from tests.mail_helpers import outbox_to, sending  # noqa: F401 - a fixture
from tests.payments_helpers import deliver, event_body, signed
from vitrina.accounts.models import User
from vitrina.core.errors import Conflict
from vitrina.orders import lifecycle
from vitrina.orders.models import Payment
from vitrina.shop.models import Shop
from vitrina.shop.money import format_money

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(make_user, settings):
    settings.SITE_URL = "https://vitrina.example"
    seller, variant = make_seller(make_user, stock=5, display_name="Лавка Ани")
    Shop.objects.filter(pk=variant.shop_id).update(accepts_bank_transfer=True, accepts_card=True,
                                                   bank_details="IBAN RU00 1234")
    buyer = make_user("buyer", display_name="Борис")
    User.objects.filter(pk=buyer.pk).update(language="ru")
    User.objects.filter(pk=seller.pk).update(language="bn")
    return seller, buyer, variant


def order_for(parties, method="cod", quantity=2):
    seller, buyer, variant = parties
    fill_cart(buyer, variant, quantity)
    return place(buyer, seller, payment_method=method)


def mails(parties):
    seller, buyer, _variant = parties
    return outbox_to(buyer.email), outbox_to(seller.email)


def test_placement_mails_the_buyer_in_russian_and_the_seller_in_bengali(parties, sending):
    with sending():
        order = order_for(parties)
    assert len(mail.outbox) == 2
    [to_buyer], [to_seller] = mails(parties)
    assert to_buyer.subject == f"Заказ {order.number}: Оформлен"
    assert "Спасибо за заказ" in to_buyer.body and "Лавка Ани" in to_buyer.body
    assert "Linen shirt (M) × 2: " + format_money(order.subtotal, "RUB", "ru") in to_buyer.body
    assert f"Итого: {format_money(order.total, 'RUB', 'ru')}" in to_buyer.body
    assert f"https://vitrina.example{order.get_absolute_url()}" in to_buyer.body
    assert to_seller.subject == f"নতুন অর্ডার {order.number}"
    assert "Борис" in to_seller.body and f"মোট: {format_money(order.total, 'RUB', 'bn')}" in to_seller.body
    assert order.number in to_seller.body and "https://vitrina.example/" in to_seller.body


def test_each_change_mails_both_with_its_status(parties, sending):
    seller, _buyer, _variant = parties
    order = order_for(parties)
    with sending():
        lifecycle.order_transition(order_id=order.pk, actor=seller, to="confirmed")
    with sending():
        lifecycle.order_transition(order_id=order.pk, actor=seller, to="shipped", tracking="RU123")
    to_buyer, to_seller = mails(parties)
    assert [m.subject for m in to_buyer] == [f"Заказ {order.number}: Подтверждён", f"Заказ {order.number}: Отправлен"]
    assert [m.subject for m in to_seller] == [f"অর্ডার {order.number}: নিশ্চিত",
                                             f"অর্ডার {order.number}: পাঠানো হয়েছে"]
    assert "Трек-номер: RU123" in to_buyer[1].body and "RU123" in to_seller[1].body


def test_a_change_that_rolls_back_or_is_refused_sends_nothing(parties, sending):
    seller, buyer, _variant = parties
    order = order_for(parties)
    with sending():
        with pytest.raises(RuntimeError), transaction.atomic():
            lifecycle.order_transition(order_id=order.pk, actor=seller, to="confirmed")
            raise RuntimeError("something later in the transaction failed")
        with pytest.raises(Conflict):
            lifecycle.order_transition(order_id=order.pk, actor=buyer, to="paid")
    assert mail.outbox == []
    order.refresh_from_db()
    assert order.status == "placed"


def test_a_card_order_mail_has_the_pay_link_and_the_webhook_payment_mails_both(parties, sending):
    order = order_for(parties, "card")
    mail.outbox.clear()
    with sending():
        order = order_for(parties, "card", quantity=1)
    [to_buyer], [to_seller] = mails(parties)
    payment = Payment.objects.get(order=order)
    pay_link = "https://vitrina.example" + reverse("orders:sandbox_pay", args=[payment.reference])
    assert pay_link in to_buyer.body and pay_link not in to_seller.body
    mail.outbox.clear()
    body = event_body(payment)
    with sending():
        assert deliver(body, signed(body)).status_code == 200
    [to_buyer], [to_seller] = mails(parties)
    assert to_buyer.subject == f"Заказ {order.number}: Оплачен"
    assert to_seller.subject == f"অর্ডার {order.number}: পরিশোধিত"
    mail.outbox.clear()
    with sending():
        deliver(body, signed(body))  # a replay changes nothing, so says nothing
    assert mail.outbox == []


def test_a_bank_transfer_order_mail_tells_the_buyer_where_to_pay(parties, sending):
    with sending():
        order_for(parties, "bank_transfer")
    [to_buyer], [to_seller] = mails(parties)
    assert "IBAN RU00 1234" in to_buyer.body and "IBAN RU00 1234" not in to_seller.body


def test_a_member_without_a_chosen_language_reads_english(parties, sending):
    seller, buyer, _variant = parties
    User.objects.filter(pk__in=[buyer.pk, seller.pk]).update(language="")
    with sending():
        order = order_for(parties)
    [to_buyer], [to_seller] = mails(parties)
    assert to_buyer.subject == f"Order {order.number}: Placed"
    assert to_seller.subject == f"New order {order.number}"


def test_the_language_setting_is_kept_for_emails(page_client, parties):
    _seller, buyer, _variant = parties
    response = page_client(buyer).post(reverse("accounts:settings_language"),
                                       {"language": "bn", "next": reverse("accounts:settings_language")})
    assert response.status_code == 302
    assert User.objects.get(pk=buyer.pk).language == "bn"
    page_client(buyer).post(reverse("accounts:settings_language"), {"language": "xx"})
    assert User.objects.get(pk=buyer.pk).language == "bn"


def test_signing_up_keeps_the_language_the_page_was_read_in(client):
    response = client.post("/accounts/signup/", {"username": "mira", "email": "mira@example.com",
                                                 "password": "long enough passphrase 42", "account_type": "personal"},
                           headers={"Accept-Language": "bn"})
    assert response.status_code == 302
    assert User.objects.get(username="mira").language == "bn"
