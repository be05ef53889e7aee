"""Checkouts that land at once: stock never oversold, one key one order, a promo's limit kept.

Runs on both databases: on PostgreSQL the checkouts really interleave on the variant row locks;
on SQLite they queue on the write lock (IMMEDIATE transactions) and the conditional UPDATE decides.
"""

import pytest
from django.db.models import Sum

from tests import threads
from tests.checkout_helpers import fill_cart, make_product, make_seller, place, stock_of, variant_of
from vitrina.core.errors import InvalidInput
from vitrina.orders import promos
from vitrina.orders.models import Order, OrderLine, PromoCode

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_buyers_racing_for_five_units_buy_exactly_five(make_user):
    seller, variant = make_seller(make_user, stock=5)
    buyers = [make_user(f"buyer{i}") for i in range(20)]
    for buyer in buyers:
        fill_cart(buyer, variant, 1)
    results = threads.run_at_once([lambda buyer=buyer: place(buyer, seller) for buyer in buyers])
    placed = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, InvalidInput)]
    assert len(placed) == 5, results
    assert len(refused) == 15 and {e.code for e in refused} == {"insufficient_stock"}, results
    assert stock_of(variant) == 0
    assert OrderLine.objects.filter(variant=variant).aggregate(n=Sum("quantity"))["n"] == 5


def test_racing_buyers_of_several_lines_never_oversell_any(make_user):
    seller, first = make_seller(make_user, stock=7)
    second = variant_of(make_product(seller, title="Scarf",
                                     variants=[{"name": "", "sku": "scarf", "price": "700", "stock": 4}]))
    buyers = [make_user(f"buyer{i}") for i in range(20)]
    for i, buyer in enumerate(buyers):
        # Half of them take the lines in the opposite order: the id-ordered locks keep that deadlock-free.
        for variant in ((first, second) if i % 2 else (second, first)):
            fill_cart(buyer, variant, 2)
    results = threads.run_at_once([lambda buyer=buyer: place(buyer, seller) for buyer in buyers])
    placed = [r for r in results if isinstance(r, Order)]
    others = [r for r in results if not isinstance(r, Order)]
    assert all(isinstance(e, InvalidInput) and e.code == "insufficient_stock" for e in others), others
    assert len(placed) == 2  # the scarf's 4 units make two orders of 2
    assert (stock_of(first), stock_of(second)) == (3, 0)


def test_twenty_requests_with_one_key_make_one_order(make_user):
    seller, variant = make_seller(make_user, stock=50)
    buyer = make_user("buyer")
    fill_cart(buyer, variant, 3)
    results = threads.run_at_once([lambda: place(buyer, seller, key="one-key") for _ in range(20)])
    assert all(isinstance(r, Order) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Order.objects.count() == 1
    assert stock_of(variant) == 47


def test_promo_with_three_uses_left_is_used_three_times_by_racing_buyers(make_user):
    seller, variant = make_seller(make_user, stock=100)
    promo = promos.promo_create(owner=seller, code="THREE", kind="percent", value="10", max_uses=3)
    buyers = [make_user(f"buyer{i}") for i in range(12)]
    for buyer in buyers:
        fill_cart(buyer, variant, 1)
    results = threads.run_at_once([lambda buyer=buyer: place(buyer, seller, promo_code="three") for buyer in buyers])
    placed = [r for r in results if isinstance(r, Order)]
    assert len(placed) == 3, results
    assert all(isinstance(r, InvalidInput) and r.code == "promo_used_up" for r in results if r not in placed)
    assert PromoCode.objects.get(pk=promo.pk).used_count == 3
    assert stock_of(variant) == 97
