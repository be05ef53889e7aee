"""The order pages: My orders, an order's page, Shop orders, the seller's order page, the slip and the CSV."""

import csv
import io
import re

import pytest
from django.urls import reverse

from tests.checkout_helpers import add_address, fill_cart, make_product, make_seller, place, stock_of, variant_of
from vitrina.orders import lifecycle, payments
from vitrina.orders.models import Order, OrderEvent
from vitrina.shop.models import Shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(make_user):
    seller, variant = make_seller(make_user, stock=10)
    return seller, make_user("buyer"), variant


def order_of(parties, quantity=2, **overrides):
    seller, buyer, variant = parties
    fill_cart(buyer, variant, quantity)
    return place(buyer, seller, **overrides)


def snapshot(order) -> tuple:
    fresh = Order.objects.get(pk=order.pk)
    return fresh.status, fresh.tracking, OrderEvent.objects.filter(order=order).count()


def text_of(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def seller_url(name, order):
    return reverse(f"orders:{name}", args=[order.number])


# --- The buyer's pages --------------------------------------------------------------------------


def test_my_orders_lists_only_mine_newest_first(parties, make_user, page_client):
    seller, buyer, variant = parties
    first, second = order_of(parties, 1), order_of(parties, 1)
    other = make_user("other")
    fill_cart(other, variant, 1)
    theirs = place(other, seller)
    html = page_client(buyer).get(reverse("orders:orders")).content.decode()
    assert html.count('data-testid="order-row"') == 2
    assert html.index(second.number) < html.index(first.number)
    assert theirs.number not in html
    assert f'href="{first.get_absolute_url()}"' in html


def test_my_orders_pages_by_cursor(parties, page_client, monkeypatch):
    from vitrina.orders import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    orders = [order_of(parties, 1) for _ in range(3)]
    client = page_client(parties[1])
    html = client.get(reverse("orders:orders")).content.decode()
    more = re.search(r'href="\?cursor=([^"]+)" data-testid="more"', html).group(1)
    assert orders[0].number not in html
    older = client.get(reverse("orders:orders"), {"cursor": more}).content.decode()
    assert orders[0].number in older and orders[2].number not in older and 'data-testid="more"' not in older
    assert client.get(reverse("orders:orders"), {"cursor": "!!"}).status_code == 200


def test_my_orders_empty_says_so(make_user, page_client):
    html = page_client(make_user("newbie")).get(reverse("orders:orders")).content.decode()
    assert "No orders yet" in html and reverse("web:shop") in html


def test_order_pages_need_a_login(parties, page_client):
    order = order_of(parties)
    for url in (reverse("orders:orders"), order.get_absolute_url(), reverse("orders:seller_orders"),
                seller_url("seller_order", order), seller_url("seller_slip", order), reverse("orders:seller_export")):
        response = page_client().get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_order_page_shows_lines_totals_delivery_address_payment_and_timeline(parties, page_client):
    seller, buyer, _variant = parties
    address = add_address(buyer)
    order = order_of(parties, 2, shipping_address=address.pk, note="Ring twice")
    html = page_client(buyer).get(order.get_absolute_url()).content.decode()
    assert f"Order {order.number}" in html
    assert html.count('data-testid="order-line"') == 1 and "Linen shirt" in html and "2 ×" in html
    assert "3,000.00" in html  # money formatted (en)
    assert "Tverskaya 1" in html and "Moscow" in html and "Ada Buyer" in html
    assert "Cash on delivery" in html and "Pickup" in html and "Ring twice" in html
    assert html.count('data-testid="timeline-step"') == 1
    assert 'data-testid="cancel-order"' in html
    assert 'data-testid="pay-by-card"' not in html
    assert 'data-testid="order-tracking"' not in html


def test_order_page_follows_the_order_tracking_and_timeline(parties, page_client):
    seller, buyer, _variant = parties
    order = order_of(parties)
    for to in ("confirmed", "shipped"):
        lifecycle.order_transition(order_id=order.pk, actor=seller, to=to, tracking="RA1234RU")
    html = page_client(buyer).get(order.get_absolute_url()).content.decode()
    assert "RA1234RU" in html and 'data-testid="order-tracking"' in html
    steps = re.findall(r'data-testid="timeline-step"><strong>([^<]+)</strong>', html)
    assert steps == ["Placed", "Confirmed", "Shipped"]
    assert 'data-testid="cancel-order"' not in html  # confirmed: only the seller may cancel now


def test_order_page_links_to_card_payment_when_there_is_one(parties, page_client, monkeypatch):
    Shop.objects.filter(owner=parties[0]).update(accepts_card=True)
    order = order_of(parties, payment_method="card")
    assert order.expires_at
    monkeypatch.setattr(payments, "pay_url", lambda o: f"/pay/sandbox/{o.number}/")
    html = page_client(parties[1]).get(order.get_absolute_url()).content.decode()
    assert f'href="/pay/sandbox/{order.number}/" data-testid="pay-by-card"' in html
    assert 'data-testid="pay-before"' in html


def test_bank_transfer_order_shows_the_shops_details(parties, page_client):
    seller, buyer, _variant = parties
    Shop.objects.filter(owner=seller).update(accepts_bank_transfer=True, bank_details="IBAN RU00 1234")
    order = order_of(parties, payment_method="bank_transfer")
    html = page_client(buyer).get(order.get_absolute_url()).content.decode()
    assert "Bank transfer" in html and "IBAN RU00 1234" in html


def test_buyer_cancels_from_the_page_and_the_units_return(parties, page_client):
    _seller, buyer, variant = parties
    order = order_of(parties, 3)
    response = page_client(buyer).post(reverse("orders:cancel", args=[order.number]), follow=True)
    assert response.redirect_chain == [(order.get_absolute_url(), 302)]
    assert "Your order is cancelled." in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == "cancelled" and stock_of(variant) == 10


def test_buyer_cannot_cancel_a_confirmed_order_from_the_page(parties, page_client):
    seller, buyer, variant = parties
    order = order_of(parties, 3)
    lifecycle.order_transition(order_id=order.pk, actor=seller, to="confirmed")
    before = snapshot(order)
    response = page_client(buyer).post(reverse("orders:cancel", args=[order.number]), follow=True)
    assert 'class="message toast error"' in response.content.decode()
    assert snapshot(order) == before and stock_of(variant) == 7


def test_cancel_needs_a_post(parties, page_client):
    order = order_of(parties)
    assert page_client(parties[1]).get(reverse("orders:cancel", args=[order.number])).status_code == 405


def test_checkout_lands_on_the_order_page(parties, page_client):
    seller, buyer, variant = parties
    fill_cart(buyer, variant, 1)
    client = page_client(buyer)
    response = client.post(reverse("orders:checkout", args=[seller.username]), {
        "idempotency_key": "k-1", "delivery_method": "pickup", "payment_method": "cod", "shipping_address": ""},
        follow=True)
    order = Order.objects.get(buyer=buyer)
    assert response.redirect_chain[-1][0] == order.get_absolute_url()
    assert 'data-testid="order-page"' in response.content.decode()


# --- Other people's orders -----------------------------------------------------------------------


def test_someone_elses_order_is_404_on_every_page(parties, make_user, page_client):
    seller, buyer, _variant = parties
    order = order_of(parties)
    other_seller, _other_variant = make_seller(make_user, "othershop")
    stranger = make_user("stranger")
    before = snapshot(order)
    for user in (stranger, other_seller, seller):
        client = page_client(user)
        assert client.get(order.get_absolute_url()).status_code == 404
        assert client.post(reverse("orders:cancel", args=[order.number])).status_code == 404
    for user in (stranger, other_seller, buyer):
        client = page_client(user)
        assert client.get(seller_url("seller_order", order)).status_code == 404
        assert client.get(seller_url("seller_slip", order)).status_code == 404
        assert client.post(seller_url("seller_transition", order), {"to": "cancelled"}).status_code == 404
    assert page_client(buyer).get(reverse("orders:detail", args=["VNOSUCH00"])).status_code == 404
    assert snapshot(order) == before
    assert order.number not in page_client(other_seller).get(reverse("orders:seller_orders")).content.decode()
    assert order.number not in text_of(page_client(other_seller).get(reverse("orders:seller_export")))


# --- The seller's pages --------------------------------------------------------------------------


def test_shop_orders_has_status_chips_with_counts_and_filters(parties, page_client):
    seller, _buyer, _variant = parties
    first, second, third = (order_of(parties, 1) for _ in range(3))
    lifecycle.order_transition(order_id=second.pk, actor=seller, to="confirmed")
    client = page_client(seller)
    html = client.get(reverse("orders:seller_orders")).content.decode()
    assert html.count('data-testid="order-row"') == 3
    assert re.search(r'data-testid="chip-all">All <span class="chip-count">3</span>', html)
    assert re.search(r'data-testid="chip-placed">Placed <span class="chip-count">2</span>', html)
    assert re.search(r'data-testid="chip-confirmed">Confirmed <span class="chip-count">1</span>', html)
    assert re.search(r'data-testid="chip-delivered">Delivered <span class="chip-count">0</span>', html)
    placed = client.get(reverse("orders:seller_orders"), {"status": "placed"}).content.decode()
    assert first.number in placed and third.number in placed and second.number not in placed
    assert 'class="chip active" href="/shop/orders/?status=placed" aria-current="true"' in placed
    assert 'href="/shop/orders/export.csv?status=placed"' in placed
    empty = client.get(reverse("orders:seller_orders"), {"status": "delivered"}).content.decode()
    assert "No orders match" in empty
    # An unknown status shows every order rather than an error.
    assert client.get(reverse("orders:seller_orders"), {"status": "lost"}).content.decode().count(
        'data-testid="order-row"') == 3


def test_shop_orders_search_by_number_or_buyer(parties, make_user, page_client):
    seller, _buyer, variant = parties
    mine = order_of(parties, 1)
    anna = make_user("anna_k")
    fill_cart(anna, variant, 1)
    hers = place(anna, seller)
    client = page_client(seller)
    by_buyer = client.get(reverse("orders:seller_orders"), {"q": "anna"}).content.decode()
    assert hers.number in by_buyer and mine.number not in by_buyer
    by_number = client.get(reverse("orders:seller_orders"), {"q": mine.number.lower()}).content.decode()
    assert mine.number in by_number and hers.number not in by_number
    assert 'value="anna"' in by_buyer


def test_shop_orders_empty_for_a_new_shop(make_user, page_client):
    seller, _variant = make_seller(make_user)
    html = page_client(seller).get(reverse("orders:seller_orders")).content.decode()
    assert "No orders yet" in html and 'data-testid="export-csv"' not in html


def test_seller_order_page_shows_the_allowed_transitions(parties, page_client):
    seller, _buyer, _variant = parties
    Shop.objects.filter(owner=seller).update(accepts_bank_transfer=True)
    order = order_of(parties, payment_method="bank_transfer")
    html = page_client(seller).get(seller_url("seller_order", order)).content.decode()
    buttons = re.findall(r'name="to" value="(\w+)" data-testid="transition-\w+"', html)
    assert buttons == ["confirmed", "paid", "cancelled"]
    assert 'name="tracking"' not in html  # nothing ships from placed
    assert 'data-testid="transition-cancelled-sheet"' in html  # asked again in a sheet
    assert f'href="{seller_url("seller_slip", order)}"' in html


def test_seller_confirms_ships_with_tracking_and_delivers_through_the_page(parties, page_client):
    seller, buyer, variant = parties
    order = order_of(parties, 2)
    client = page_client(seller)
    url = seller_url("seller_transition", order)
    response = client.post(url, {"to": "confirmed"}, follow=True)
    assert response.redirect_chain == [(seller_url("seller_order", order), 302)]
    html = response.content.decode()
    assert "is now confirmed" in html
    assert 'name="tracking"' in html and 'value="shipped"' in html
    client.post(url, {"to": "shipped", "tracking": "RA987RU"})
    client.post(url, {"to": "delivered"})
    order.refresh_from_db()
    assert (order.status, order.tracking) == ("delivered", "RA987RU")
    html = client.get(seller_url("seller_order", order)).content.decode()
    assert re.findall(r'data-testid="timeline-step"><strong>([^<]+)</strong>', html) == [
        "Placed", "Confirmed", "Shipped", "Delivered"]
    assert 'data-testid="transition-form"' not in html
    assert re.findall(r'name="to" value="(\w+)"', html) == ["refunded"]  # in a confirmation sheet
    assert stock_of(variant) == 8


def test_a_transition_not_allowed_from_the_page_is_409_and_changes_nothing(parties, page_client):
    seller, _buyer, variant = parties
    order = order_of(parties, 2)
    before = snapshot(order)
    response = page_client(seller).post(seller_url("seller_transition", order), {"to": "delivered"})
    assert response.status_code == 409
    assert 'data-testid="transition-error"' in response.content.decode()
    assert snapshot(order) == before and stock_of(variant) == 8
    response = page_client(seller).post(seller_url("seller_transition", order), {"to": "lost"})
    assert response.status_code == 422 and snapshot(order) == before


def test_a_tracking_number_too_long_is_422_on_the_page_and_kept_for_fixing(parties, page_client):
    seller, _buyer, _variant = parties
    order = order_of(parties)
    lifecycle.order_transition(order_id=order.pk, actor=seller, to="confirmed")
    before = snapshot(order)
    response = page_client(seller).post(seller_url("seller_transition", order),
                                        {"to": "shipped", "tracking": "Z" * 101})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="tracking-error"' in html and "Z" * 101 in html
    assert snapshot(order) == before


def test_seller_cancels_and_refunds_return_stock(parties, page_client):
    seller, _buyer, variant = parties
    order = order_of(parties, 4)
    client = page_client(seller)
    client.post(seller_url("seller_transition", order), {"to": "cancelled"})
    assert Order.objects.get(pk=order.pk).status == "cancelled" and stock_of(variant) == 10


def test_packing_slip_is_printable_without_navigation(parties, page_client):
    seller, buyer, _variant = parties
    address = add_address(buyer)
    order = order_of(parties, 2, shipping_address=address.pk)
    response = page_client(seller).get(seller_url("seller_slip", order))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="packing-slip"' in html and "bottom-nav" not in html and 'class="topbar"' not in html
    assert f"Packing slip {order.number}" in html
    assert "Tverskaya 1" in html and "seller-1" in html and 'data-testid="slip-line"' in html
    assert 'class="slip-back no-print"' in html


def test_csv_export_lists_the_filtered_orders(parties, make_user, page_client):
    seller, buyer, variant = parties
    Shop.objects.filter(owner=seller).update(accepts_bank_transfer=True)
    order = order_of(parties, 2, payment_method="bank_transfer")
    lifecycle.order_transition(order_id=order.pk, actor=seller, to="confirmed")
    placed = order_of(parties, 1)
    response = page_client(seller).get(reverse("orders:seller_export"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text_of(response).lstrip("\ufeff"))))
    assert rows[0] == ["number", "created", "status", "buyer", "items", "subtotal", "discount", "delivery", "total",
                       "currency", "payment", "delivery method", "tracking"]
    assert [row[0] for row in rows[1:]] == [placed.number, order.number]
    row = rows[2]
    assert row[2:] == ["confirmed", "buyer", "2 × Linen shirt (M)", "3000.00", "0.00", "0.00", "3000.00", "RUB",
                       "bank_transfer", "pickup", ""]
    confirmed = list(csv.reader(io.StringIO(text_of(
        page_client(seller).get(reverse("orders:seller_export"), {"status": "confirmed"})).lstrip("\ufeff"))))
    assert [row[0] for row in confirmed[1:]] == [order.number]


def test_csv_export_defuses_formulas(make_user, page_client):
    seller = make_user("formulas", account_type="business")
    product = make_product(seller, title='=HYPERLINK("http://evil.example","x")',
                           variants=[{"name": "+1", "sku": "F-1", "price": "10", "stock": 5}])
    second = make_product(seller, title="@SUM(A1)", variants=[{"name": "", "sku": "F-2", "price": "10", "stock": 5}])
    buyer = make_user("buyer")
    fill_cart(buyer, variant_of(product), 1)
    order = place(buyer, seller)
    lifecycle.order_transition(order_id=order.pk, actor=seller, to="confirmed")
    lifecycle.order_transition(order_id=order.pk, actor=seller, to="shipped", tracking="-2+3")
    fill_cart(buyer, variant_of(second), 1)
    place(buyer, seller)
    rows = list(csv.reader(io.StringIO(text_of(page_client(seller).get(reverse("orders:seller_export")))
                                       .lstrip("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells), cells
    assert rows[1][4] == "1 × @SUM(A1)"  # a title inside the cell is no formula
    shipped = next(row for row in rows[1:] if row[0] == order.number)
    assert shipped[12] == "'-2+3"
    assert shipped[4] == '1 × =HYPERLINK("http://evil.example","x") (+1)'


def test_csv_cell_prefixes_every_formula_start():
    from vitrina.orders.order_views import csv_cell

    for text in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"):
        assert csv_cell(text) == "'" + text
    assert csv_cell("plain") == "plain" and csv_cell("a=b") == "a=b"


# --- Links and languages -------------------------------------------------------------------------


def test_settings_link_orders_for_everyone_and_shop_orders_for_shops(make_user, page_client):
    personal = page_client(make_user("person")).get(reverse("accounts:settings")).content.decode()
    assert 'data-testid="settings-orders"' in personal and 'data-testid="settings-shop-orders"' not in personal
    shopless = page_client(make_user("newbiz", account_type="business")).get(reverse("accounts:settings"))
    assert 'data-testid="settings-shop-orders"' not in shopless.content.decode()
    seller, _variant = make_seller(make_user)
    html = page_client(seller).get(reverse("accounts:settings")).content.decode()
    assert f'href="{reverse("orders:seller_orders")}" data-testid="settings-shop-orders"' in html


LANGUAGES = {
    "en": {"orders": "My orders", "order": "Timeline", "shop": "Shop orders", "seller": "Confirm order",
           "slip": "Packing slip", "status": "Placed"},
    "ru": {"orders": "Мои заказы", "order": "История заказа", "shop": "Заказы магазина", "seller": "Подтвердить заказ",
           "slip": "Упаковочный лист", "status": "Оформлен"},
    "bn": {"orders": "আমার অর্ডার", "order": "অর্ডারের ইতিহাস", "shop": "দোকানের অর্ডার",
           "seller": "অর্ডার নিশ্চিত করুন", "slip": "প্যাকিং স্লিপ", "status": "দেওয়া হয়েছে"},
}


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_order_pages_speak_the_readers_language(parties, page_client, lang):
    seller, buyer, _variant = parties
    order = order_of(parties, 2)
    words = LANGUAGES[lang]
    headers = {"Accept-Language": lang}
    pages = [(buyer, reverse("orders:orders"), ("orders", "status")),
             (buyer, order.get_absolute_url(), ("order", "status")),
             (seller, reverse("orders:seller_orders"), ("shop", "status")),
             (seller, seller_url("seller_order", order), ("seller", "order")),
             (seller, seller_url("seller_slip", order), ("slip",))]
    for user, url, keys in pages:
        response = page_client(user).get(url, headers=headers)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'lang="{lang}"' in html
        for key in keys:
            assert words[key] in html, (lang, url, key)
    html = page_client(buyer).get(order.get_absolute_url(), headers=headers).content.decode()
    if lang == "ru":
        assert "3\xa0000,00\xa0₽" in html  # Babel's Russian money
    if lang == "bn":
        assert "২টি পণ্য" in html or "2টি পণ্য" in html


def test_a_refused_change_is_explained_in_russian(parties, page_client):
    seller, _buyer, _variant = parties
    order = order_of(parties)
    response = page_client(seller).post(seller_url("seller_transition", order), {"to": "delivered"},
                                        headers={"Accept-Language": "ru"})
    assert response.status_code == 409
    assert "нельзя перевести" in response.content.decode()
