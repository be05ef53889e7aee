"""The cart, checkout, addresses and promo codes in the native API (shared/API.md, shop section)."""

from django.http import HttpResponse
from ninja import Header, Router
from ninja.responses import Status

from vitrina.accounts.auth import REQUIRED
from vitrina.core.api import documents_404
from vitrina.orders import addresses, cart, checkout, promos
from vitrina.orders.models import CartLine, Order
from vitrina.orders.schemas import (
    AddressIn,
    AddressList,
    AddressOut,
    AddressPatch,
    CartItemIn,
    CartItemPatch,
    CartLineOut,
    CartOut,
    CheckoutIn,
    OrderOut,
    PromoIn,
    PromoList,
    PromoOut,
)
from vitrina.shop import money

router = Router(tags=["cart and checkout"])


def line_out(item: cart.CartItem) -> dict:
    variant, currency = item.variant, item.variant.shop.currency
    return {
        "id": item.line.pk, "variant_id": variant.pk, "product_id": variant.product_id, "title": item.title,
        "variant_name": variant.name, "sku": variant.sku, "quantity": item.quantity,
        "unit_price": money.as_text(item.unit_price, currency), "line_total": money.as_text(item.line_total, currency),
        "stock": max(variant.stock, 0), "available": item.available, "problem": item.problem,
        "url": variant.product.get_absolute_url(),
    }


def cart_out(groups: list[cart.SellerCart]) -> dict:
    return {"sellers": [{
        "seller": group.seller.username, "seller_name": group.seller.name, "currency": group.currency,
        "lines": [line_out(item) for item in group.items], "subtotal": money.as_text(group.subtotal, group.currency),
        "item_count": group.count,
    } for group in groups], "item_count": sum(group.count for group in groups)}


def _line(buyer, line: CartLine) -> dict:
    return line_out(cart.cart_items(buyer=buyer, lines=CartLine.objects.filter(pk=line.pk))[0])


def order_out(order_id: int) -> Order:
    """An order with what OrderOut reads, in a fixed number of queries."""
    return (Order.objects.select_related("shop__owner", "buyer", "promo_code", "payment")
            .prefetch_related("lines__order").get(pk=order_id))


@router.get("/cart", response=CartOut, auth=REQUIRED)
def cart_get(request):
    return cart_out(cart.cart_grouped(buyer=request.auth))


@router.post("/cart/items", response={201: CartLineOut}, auth=REQUIRED,
             openapi_extra=documents_404("No such variant, or one the caller may not see"))
def cart_item_add(request, payload: CartItemIn):
    line = cart.cart_add(buyer=request.auth, variant_id=payload.variant_id, quantity=payload.quantity)
    return Status(201, _line(request.auth, line))


@router.patch("/cart/items/{int:line_id}", response=CartLineOut, auth=REQUIRED)
def cart_item_update(request, line_id: int, payload: CartItemPatch):
    line = cart.cart_update(buyer=request.auth, line_id=line_id, quantity=payload.quantity)
    return _line(request.auth, line)


@router.delete("/cart/items/{int:line_id}", response={204: None}, auth=REQUIRED)
def cart_item_remove(request, line_id: int):
    cart.cart_remove(buyer=request.auth, line_id=line_id)
    return Status(204, None)


@router.post("/checkout", response={201: OrderOut}, auth=REQUIRED,
             openapi_extra=documents_404("No such seller or address, or one the caller may not see"))
def checkout_place(request, response: HttpResponse, payload: CheckoutIn,
                   idempotency_key: str = Header(None, alias="Idempotency-Key",
                                                 description="1 to 100 characters; the same key and body "
                                                             "answer the same order again")):
    order = checkout.order_place(buyer=request.auth, idempotency_key=idempotency_key, **payload.dict())
    # A replay answers as the first answer did (201), marked as a replay, as Stripe's API does.
    response["Idempotent-Replayed"] = "true" if order.replayed else "false"
    # A new order answers from the objects placement wrote; a replay reads its order back.
    return Status(201, order_out(order.pk) if order.replayed else order)


# --- Addresses ---------------------------------------------------------------------------------


def _address_fields(payload) -> tuple[dict, bool | None]:
    data = payload.dict(exclude_unset=True)
    return data, data.pop("is_default", None)


@router.get("/me/addresses", response=AddressList, auth=REQUIRED)
def address_list(request):
    return {"items": addresses.addresses_of(owner=request.auth), "next_cursor": None}


@router.post("/me/addresses", response={201: AddressOut}, auth=REQUIRED)
def address_create(request, payload: AddressIn):
    data, is_default = _address_fields(payload)
    return Status(201, addresses.address_create(owner=request.auth, data=data, is_default=bool(is_default)))


@router.get("/me/addresses/{int:address_id}", response=AddressOut, auth=REQUIRED)
def address_get(request, address_id: int):
    return addresses.address_get(owner=request.auth, address_id=address_id)


@router.patch("/me/addresses/{int:address_id}", response=AddressOut, auth=REQUIRED)
def address_update(request, address_id: int, payload: AddressPatch):
    data, is_default = _address_fields(payload)
    data = {name: value for name, value in data.items() if value is not None}
    return addresses.address_update(owner=request.auth, address_id=address_id, data=data, is_default=is_default)


@router.delete("/me/addresses/{int:address_id}", response={204: None}, auth=REQUIRED)
def address_delete(request, address_id: int):
    addresses.address_delete(owner=request.auth, address_id=address_id)
    return Status(204, None)


# --- Promo codes (the seller's) --------------------------------------------------------------


@router.get("/shop/promo-codes", response=PromoList, auth=REQUIRED)
def promo_list(request):
    return {"items": promos.promos_of(owner=request.auth), "next_cursor": None}


@router.post("/shop/promo-codes", response={201: PromoOut}, auth=REQUIRED)
def promo_create(request, payload: PromoIn):
    return Status(201, promos.promo_create(owner=request.auth, **payload.dict()))
