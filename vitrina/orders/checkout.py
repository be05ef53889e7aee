"""Placing an order: one seller's lines of the buyer's cart become an Order, all or nothing.

Everything is recomputed here from the catalog; the client's numbers are only compared
(`expected_total`), never used. Placement is idempotent per (buyer, Idempotency-Key): the
database's UniqueConstraint decides which of many identical requests makes the order, the
others read it back. Stock is the scarce thing (STYLE.md 7): locked once, in id order, late,
every short line reported in one error, then written in bulk.
"""

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.core.errors import Conflict, InvalidInput, NotFound, ServiceError
from vitrina.core.text import clean_text
from vitrina.core.throttle import rate_limit
from vitrina.events import kinds
from vitrina.events.services import record
from vitrina.orders import emails, payments, pricing
from vitrina.orders.addresses import address_get
from vitrina.orders.cart import (
    INSUFFICIENT_STOCK, OUT_OF_STOCK, UNAVAILABLE, invalid, parse_id, shop_cart_items, short_message,
)
from vitrina.orders.models import CartLine, Order, OrderEvent, OrderLine, OrderStatus, PaymentMethod, PromoCode
from vitrina.orders.promos import normalise_code, promo_for_order
from vitrina.shop import money, tags
from vitrina.shop.models import DeliveryMethod, ProductVariant, Shop
from vitrina.social import visibility

KEY_MAX = 100  # Order.idempotency_key's length
NOTE_MAX = 500
PICKUP = "pickup"


# --- The request -----------------------------------------------------------------------------------


def clean_key(raw) -> str:
    """The Idempotency-Key: 1..100 printable ASCII characters (a UUID is the usual one)."""
    key = raw.strip() if isinstance(raw, str) else ""
    if not key or len(key) > KEY_MAX or not key.isascii() or not key.isprintable():
        raise invalid("idempotency_key", _("Send an Idempotency-Key header of 1 to %(max)s characters.")
                      % {"max": KEY_MAX}, code="idempotency_key_invalid")
    return key


def _expected(raw) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip()) if not isinstance(raw, (bool, float)) else None
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        raise invalid("expected_total", _("Give the total as a decimal string, such as 1500 or 12.50."))
    return value


@dataclass(frozen=True)
class Request:
    seller: str
    shipping_address: int | None
    delivery_method: str
    payment_method: str
    promo_code: str
    note: str
    expected_total: Decimal | None
    currency: str

    def fingerprint(self) -> str:
        """sha256 of the normalised request: the same key with another body is a different request."""
        body = {
            "seller": self.seller, "shipping_address": self.shipping_address,
            "delivery_method": self.delivery_method, "payment_method": self.payment_method,
            "promo_code": self.promo_code, "note": self.note, "currency": self.currency,
            "expected_total": None if self.expected_total is None else str(self.expected_total.normalize()),
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _request(*, seller, shipping_address, delivery_method, payment_method, promo_code, note, expected_total,
             currency) -> Request:
    note = clean_text(note if isinstance(note, str) else "", multiline=True)
    if len(note) > NOTE_MAX:
        raise invalid("note", _("At most %(max)s characters.") % {"max": NOTE_MAX})
    return Request(
        seller=(seller if isinstance(seller, str) else "").strip().lower().lstrip("@"),
        shipping_address=None if shipping_address in (None, "") else parse_id(shipping_address,
                                                                              field_name="shipping_address"),
        delivery_method=delivery_method if isinstance(delivery_method, str) else "",
        payment_method=payment_method if isinstance(payment_method, str) else "",
        promo_code=normalise_code(promo_code), note=note, expected_total=_expected(expected_total),
        currency=(currency if isinstance(currency, str) else "").strip().upper(),
    )


# --- Idempotency ---------------------------------------------------------------------------------


def _replay(*, buyer, key: str, fingerprint: str) -> Order | None:
    """The order this key already made, if any; the same key with another request is 422."""
    order = Order.objects.filter(buyer=buyer, idempotency_key=key).first()
    if order is None:
        return None
    if order.request_fingerprint != fingerprint:
        raise invalid("idempotency_key", _("This Idempotency-Key was used for a different order."),
                      code="idempotency_key_reused")
    order.replayed = True
    return order


def new_number() -> str:
    """'V' and 8 base32 characters (40 random bits): short to read out, not guessable as a sequence."""
    return "V" + base64.b32encode(secrets.token_bytes(5)).decode()


# --- Checks before the transaction --------------------------------------------------------------


@dataclass
class Plan:
    shop: Shop
    delivery: DeliveryMethod
    address: dict


def _plan(*, buyer, request: Request) -> Plan:
    shop = Shop.objects.select_related("owner").filter(owner__username=request.seller, owner__is_active=True).first()
    owner = shop.owner if shop else None
    if shop is None or not visibility.sees_content(buyer, owner):
        raise NotFound(_("This shop does not exist."))
    if owner.pk == buyer.pk:
        raise invalid("seller", _("You cannot buy from your own shop."), code="own_shop")
    if request.currency and request.currency != shop.currency:
        raise invalid("currency", _("This shop sells in %(currency)s.") % {"currency": shop.currency},
                      code="currency_mismatch")
    delivery = DeliveryMethod.objects.filter(shop=shop, code=request.delivery_method, is_active=True).first()
    if delivery is None:
        raise invalid("delivery_method", _("Choose one of the shop's delivery methods."), code="invalid_delivery")
    accepted = {m for m in PaymentMethod.values if getattr(shop, f"accepts_{m}")}
    if request.payment_method not in accepted:
        raise invalid("payment_method", _("This shop does not take this way of paying."), code="invalid_payment")
    address = {}
    if request.shipping_address is not None:
        address = address_get(owner=buyer, address_id=request.shipping_address).as_snapshot()
    elif delivery.code != PICKUP:
        raise invalid("shipping_address", _("Choose an address to deliver to."), code="required")
    return Plan(shop=shop, delivery=delivery, address=address)


# --- Stock ----------------------------------------------------------------------------------------


def _describe(item) -> str:
    name = item.variant.name
    return f"{item.title} ({name})" if name else item.title


def _short_error(short: list) -> InvalidInput:
    """One error naming every short line: `short` is (item, units left) pairs."""
    fields = {f"variants.{item.variant.pk}": [f"{_describe(item)}: {short_message(left)}"] for item, left in short}
    return InvalidInput(_("Some items do not have enough stock: %(items)s.") % {
        "items": ", ".join(_describe(item) for item, _left in short)}, code="insufficient_stock", fields=fields)


def _reserve(items) -> dict[int, ProductVariant]:
    """Take the items' units off their variants, or raise naming every short line (the caller's
    transaction then leaves all stock as it was). The variants as they are after the change."""
    wanted = {item.variant.pk: item for item in items}
    ids = sorted(wanted)
    if connection.features.has_select_for_update:
        # PostgreSQL: lock the rows in id order (two checkouts never wait on each other in a cycle),
        # check them all, then one UPDATE for every line.
        rows = ProductVariant.objects.select_for_update().filter(pk__in=ids).order_by("pk").in_bulk()
        short = [(wanted[i], rows[i].stock) for i in ids if rows[i].stock < wanted[i].quantity or
                 not rows[i].is_active]
        if short:
            raise _short_error(short)
        ProductVariant.objects.filter(pk__in=ids).update(stock=Case(
            *[When(pk=i, then=F("stock") - wanted[i].quantity) for i in ids], default=F("stock")))
        for i in ids:
            rows[i].stock -= wanted[i].quantity
        return rows
    # SQLite: the IMMEDIATE transaction holds the write lock from BEGIN; a conditional UPDATE per
    # line says which lines are short (no row changed).
    short_ids = [i for i in ids if not ProductVariant.objects.filter(
        pk=i, stock__gte=wanted[i].quantity, is_active=True).update(stock=F("stock") - wanted[i].quantity)]
    rows = ProductVariant.objects.filter(pk__in=ids).in_bulk()
    if short_ids:
        raise _short_error([(wanted[i], rows[i].stock if rows[i].is_active else 0) for i in short_ids])
    return rows


# --- Placement ------------------------------------------------------------------------------------


def _check_items(items) -> None:
    """Fail fast, before any lock, on what the cart shows now: lines no longer sold, or short of stock
    (every short line named). Read outside the transaction, this is the answer as of that read; a
    sold-out product answers here without a transaction. `_reserve` decides for the lines that pass."""
    gone = [item for item in items if item.problem == UNAVAILABLE]
    if gone:
        raise InvalidInput(_("Some items are no longer sold: remove them from your cart."), code="unavailable",
                           fields={f"variants.{item.variant.pk}": [_describe(item)] for item in gone})
    short = [(item, item.variant.stock) for item in items if item.problem in (OUT_OF_STOCK, INSUFFICIENT_STOCK)]
    if short:
        raise _short_error(short)


def _take_cart_lines(items) -> None:
    """Delete the lines being bought, each as it was read. Fewer rows deleted means another checkout
    bought this cart (its transaction committed first) or the buyer changed a quantity meanwhile: this
    order is rolled back, so one cart is never bought twice nor at a stale quantity."""
    taken = Q()
    for item in items:
        taken |= Q(pk=item.line.pk, quantity=item.quantity)
    deleted, _rows = CartLine.objects.filter(taken).delete()
    if deleted != len(items):
        raise Conflict(_("Your cart has just changed. Check it and place the order again."), code="cart_changed")


def _place(*, buyer, request: Request, plan: Plan, items: list, key: str, fingerprint: str, now) -> Order:
    shop = plan.shop
    with transaction.atomic():
        if not connection.features.has_select_for_update:
            # SQLite: writers queue at BEGIN, so this read is exact. (On PostgreSQL the
            # UniqueConstraint decides, and order_place has just read the key.)
            existing = _replay(buyer=buyer, key=key, fingerprint=fingerprint)
            if existing is not None:
                return existing
        variants = _reserve(items)
        lines_priced = [(variants[item.variant.pk].price, item.quantity) for item in items]
        subtotal = pricing.totals(lines=lines_priced, currency=shop.currency).subtotal
        promo = None
        if request.promo_code:
            promo = promo_for_order(shop=shop, code=request.promo_code, subtotal=subtotal, now=now)
            raised = PromoCode.objects.filter(pk=promo.pk).filter(
                Q(max_uses__isnull=True) | Q(used_count__lt=F("max_uses"))).update(used_count=F("used_count") + 1)
            if not raised:
                raise invalid("promo_code", _("This promo code has been used up."), code="promo_used_up")
        sums = pricing.totals(lines=lines_priced, currency=shop.currency, delivery=plan.delivery.price,
                              promo_kind=promo.kind if promo else None, promo_value=promo.value if promo else None)
        if request.expected_total is not None and request.expected_total != sums.total:
            message = _("The total is now %(total)s. Check your order and place it again.") % {
                "total": money.format_money(sums.total, shop.currency)}
            raise Conflict(message, code="price_changed", fields={"expected_total": [message]})
        order = Order.objects.create(
            number=new_number(), buyer=buyer, shop=shop, status=OrderStatus.PLACED, currency=shop.currency,
            subtotal=sums.subtotal, discount=sums.discount, delivery_price=sums.delivery, total=sums.total,
            payment_method=request.payment_method, delivery_method=plan.delivery.code,
            delivery_name=plan.delivery.name, shipping_address=plan.address, promo_code=promo, note=request.note,
            idempotency_key=key, request_fingerprint=fingerprint,
            expires_at=now + settings.CARD_PAYMENT_TIMEOUT if request.payment_method == PaymentMethod.CARD else None,
        )
        lines = OrderLine.objects.bulk_create([
            OrderLine(order=order, variant=item.variant, product=item.product, title=item.title,
                      variant_name=item.variant.name, sku=item.variant.sku, unit_price=price, quantity=quantity,
                      line_total=total)
            for item, (price, quantity), total in zip(items, lines_priced, sums.lines)
        ])
        event = OrderEvent.objects.create(order=order, actor=buyer, from_status="", to_status=OrderStatus.PLACED)
        record(kinds.ORDER_STATUS_CHANGED, actor=buyer, recipient_id=shop.owner_id, subject=order, data={
            "order": order.pk, "number": order.number, "from": "", "to": OrderStatus.PLACED,
            "buyer": buyer.pk, "seller": shop.owner_id})
        payment = payments.payment_start(order)
        _take_cart_lines(items)
        sold_out = sorted({v.product_id for v in variants.values() if v.stock <= 0})
        transaction.on_commit(partial(emails.order_status_mail, event.pk))
        if sold_out:
            transaction.on_commit(partial(tags.products_changed, sold_out))
    # The answer is built from the objects as written, the lines included (no read back).
    order.payment = payment
    order.placed_lines = lines
    order.replayed = False
    return order


def order_place(
    *, buyer, seller: str, shipping_address=None, delivery_method: str, payment_method: str, promo_code=None,
    note: str = "", idempotency_key: str, expected_total=None, currency: str = "", now=None,
) -> Order:
    """The order of the buyer's cart lines from `seller` (a username), or a ServiceError and nothing
    changed. The same key and request again return the same order with `replayed` True; the same key
    with another request is 422 idempotency_key_reused."""
    key = clean_key(idempotency_key)
    request = _request(seller=seller, shipping_address=shipping_address, delivery_method=delivery_method,
                       payment_method=payment_method, promo_code=promo_code, note=note,
                       expected_total=expected_total, currency=currency)
    fingerprint = request.fingerprint()
    existing = _replay(buyer=buyer, key=key, fingerprint=fingerprint)
    if existing is not None:
        return existing
    rate_limit(action="checkout", ident=buyer.pk)
    plan = _plan(buyer=buyer, request=request)
    items = shop_cart_items(buyer=buyer, shop=plan.shop)
    if not items:
        # A request with this key may have bought this cart since the first look.
        existing = _replay(buyer=buyer, key=key, fingerprint=fingerprint)
        if existing is not None:
            return existing
        raise invalid("seller", _("Your cart has nothing from this shop."), code="cart_empty")
    # No replay after these: a request with this key that will succeed saw the same lines in stock.
    _check_items(items)
    now = now or timezone.now()
    for _attempt in range(3):
        try:
            return _place(buyer=buyer, request=request, plan=plan, items=items, key=key, fingerprint=fingerprint,
                          now=now)
        except IntegrityError:
            # Another request with this key committed first, or (once in 10^12) the number was taken.
            existing = _replay(buyer=buyer, key=key, fingerprint=fingerprint)
            if existing is not None:
                return existing
        except ServiceError:
            # A request with this key that got here second finds the stock gone or the cart lines
            # bought: the first one's order is its answer.
            existing = _replay(buyer=buyer, key=key, fingerprint=fingerprint)
            if existing is not None:
                return existing
            raise
    raise Conflict(_("The order could not be placed. Try again."), code="conflict")
