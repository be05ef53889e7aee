"""Shops, products and carts for the cart and checkout tests, built through the real services."""

import uuid

from vitrina.orders import addresses, cart, checkout
from vitrina.orders.models import Order
from vitrina.shop.models import ProductVariant
from vitrina.shop.services import product_create

ADDRESS = {"name": "Ada Buyer", "phone": "+7 900 000-00-00", "line1": "Tverskaya 1", "city": "Moscow",
           "postal_code": "125009", "country": "RU"}


def make_product(owner, *, title="Linen shirt", currency="RUB", variants=None, **fields):
    variants = variants or [{"name": "M", "sku": f"SKU-{uuid.uuid4().hex[:8]}", "price": "1500", "stock": 5}]
    return product_create(owner=owner, title=title, currency=currency, variants=variants, **fields)


def variant_of(product, index=0) -> ProductVariant:
    return list(product.variants.order_by("position", "id"))[index]


def make_seller(make_user, username="seller", *, currency="RUB", price="1500", stock=5, **fields):
    """A business account with one product of one variant; (owner, variant)."""
    owner = make_user(username, account_type="business", **fields)
    product = make_product(owner, currency=currency,
                           variants=[{"name": "M", "sku": f"{username}-1", "price": price, "stock": stock}])
    return owner, variant_of(product)


def add_address(buyer, **overrides):
    return addresses.address_create(owner=buyer, data={**ADDRESS, **overrides})


def fill_cart(buyer, variant, quantity=1):
    return cart.cart_add(buyer=buyer, variant_id=variant.pk, quantity=quantity)


def place(buyer, seller, *, key=None, **overrides) -> Order:
    """An order of the buyer's lines from `seller` (a User), paid on delivery and picked up by default."""
    params = {"delivery_method": "pickup", "payment_method": "cod", "shipping_address": None}
    params.update(overrides)
    return checkout.order_place(buyer=buyer, seller=seller.username, idempotency_key=key or uuid.uuid4().hex,
                                **params)


def stock_of(variant) -> int:
    return ProductVariant.objects.get(pk=variant.pk).stock
