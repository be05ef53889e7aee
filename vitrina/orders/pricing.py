"""The arithmetic of an order, as pure functions over Decimals in one currency.

Every amount is exact to the currency's minor unit (vitrina.shop.money): line totals and the
subtotal are sums of exact prices, so only a percentage discount needs rounding, and it is
rounded once, half up, never above the subtotal. total = Σ lines − discount + delivery.
"""

from dataclasses import dataclass
from decimal import Decimal

from vitrina.shop import money

PERCENT = "percent"
FIXED = "fixed"


@dataclass(frozen=True)
class Totals:
    currency: str
    lines: tuple[Decimal, ...]
    subtotal: Decimal
    discount: Decimal
    delivery: Decimal
    total: Decimal


def line_total(unit_price: Decimal, quantity: int, currency: str) -> Decimal:
    return money.quantize(Decimal(unit_price) * quantity, currency)


def subtotal_of(line_totals, currency: str) -> Decimal:
    return money.quantize(sum((Decimal(t) for t in line_totals), Decimal(0)), currency)


def discount_of(*, subtotal: Decimal, kind: str | None, value: Decimal | None, currency: str) -> Decimal:
    """The promo's discount on the subtotal: a percentage rounded half up to the minor unit, or a
    fixed amount; never more than the subtotal, never negative."""
    if kind is None or value is None:
        return money.quantize(Decimal(0), currency)
    if kind == PERCENT:
        amount = Decimal(subtotal) * Decimal(value) / 100
    elif kind == FIXED:
        amount = Decimal(value)
    else:
        raise ValueError(f"unknown promo kind {kind!r}")
    return money.quantize(max(Decimal(0), min(amount, Decimal(subtotal))), currency)


def totals(*, lines, currency: str, promo_kind: str | None = None, promo_value: Decimal | None = None,
           delivery: Decimal = Decimal(0)) -> Totals:
    """`lines` are (unit_price, quantity) pairs in `currency`."""
    line_totals = tuple(line_total(price, quantity, currency) for price, quantity in lines)
    subtotal = subtotal_of(line_totals, currency)
    discount = discount_of(subtotal=subtotal, kind=promo_kind, value=promo_value, currency=currency)
    delivery = money.quantize(delivery, currency)
    return Totals(currency=currency, lines=line_totals, subtotal=subtotal, discount=discount, delivery=delivery,
                  total=subtotal - discount + delivery)
