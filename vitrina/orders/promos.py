"""Promo codes: a seller makes them; checkout looks one up and checks it for an order.

A code is stored upper-case and matched case-insensitively. Its use is counted in the order's
transaction by a conditional UPDATE (checkout.py), so `max_uses` holds under races.
"""

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.core.errors import InvalidInput
from vitrina.orders.cart import invalid
from vitrina.orders.models import PromoCode, PromoKind
from vitrina.shop import money
from vitrina.shop.models import Shop
from vitrina.shop.services import parse_price, require_business

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
MAX_USES = 1_000_000


def normalise_code(raw) -> str:
    return (raw or "").strip().upper() if isinstance(raw, str) else ""


def _percent(raw) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        value = Decimal(-1)
    if not value.is_finite() or not 0 < value <= 100 or value != value.quantize(Decimal("0.01")):
        raise invalid("value", _("Give a percentage above 0 and at most 100."))
    return value


def _moment(raw, field_name: str) -> datetime | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, str):
        try:
            raw = datetime.fromisoformat(raw)
        except ValueError:
            raw = None
    if not isinstance(raw, datetime):
        raise invalid(field_name, _("Give a date and time, such as 2025-06-01T09:00."))
    return raw if timezone.is_aware(raw) else timezone.make_aware(raw)


def promo_create(
    *, owner, code: str, kind: str, value, min_subtotal=0, starts_at=None, ends_at=None, max_uses=None,
) -> PromoCode:
    """A promo code of the owner's shop: `value` is a percentage (0 < v ≤ 100) or an amount in the
    shop's currency."""
    require_business(owner)
    shop = Shop.objects.filter(owner=owner).first()
    if shop is None:
        raise InvalidInput(_("Open your shop first: add a product."), code="no_shop")
    code = normalise_code(code)
    if not CODE_RE.match(code):
        raise invalid("code", _("Use 1 to 32 letters A–Z, digits, - or _."))
    if kind == PromoKind.PERCENT:
        value = _percent(value)
    elif kind == PromoKind.FIXED:
        value = parse_price(value, shop.currency, field="value")
        if value <= 0:
            raise invalid("value", _("Give an amount above zero."))
    else:
        raise invalid("kind", _("Choose a percentage or a fixed amount."))
    min_subtotal = parse_price(min_subtotal if min_subtotal not in (None, "") else 0, shop.currency,
                               field="min_subtotal")
    starts_at, ends_at = _moment(starts_at, "starts_at"), _moment(ends_at, "ends_at")
    if starts_at and ends_at and ends_at <= starts_at:
        raise invalid("ends_at", _("The end must come after the start."))
    if max_uses in ("", None):
        max_uses = None
    elif isinstance(max_uses, bool) or not isinstance(max_uses, int) or not 1 <= max_uses <= MAX_USES:
        raise invalid("max_uses", _("Give a whole number from 1 to %(max)s, or leave it empty.") % {"max": MAX_USES})
    try:
        with transaction.atomic():
            return PromoCode.objects.create(shop=shop, code=code, kind=kind, value=value, min_subtotal=min_subtotal,
                                            starts_at=starts_at, ends_at=ends_at, max_uses=max_uses)
    except IntegrityError:
        raise invalid("code", _("Your shop already has this code."), code="duplicate_code") from None


def promos_of(*, owner) -> list[PromoCode]:
    return list(PromoCode.objects.filter(shop__owner=owner).select_related("shop").order_by("-id"))


def promo_for_order(*, shop, code: str, subtotal: Decimal, now: datetime | None = None) -> PromoCode:
    """The shop's promo code `code` if it applies to an order of `subtotal` now, else InvalidInput
    naming why (promo_invalid, promo_not_started, promo_expired, promo_used_up, promo_minimum)."""
    now = now or timezone.now()
    promo = PromoCode.objects.filter(shop=shop, code=normalise_code(code), is_active=True).first()
    if promo is None:
        raise invalid("promo_code", _("This promo code does not exist."), code="promo_invalid")
    if promo.starts_at and promo.starts_at > now:
        raise invalid("promo_code", _("This promo code is not valid yet."), code="promo_not_started")
    if promo.ends_at and promo.ends_at <= now:
        raise invalid("promo_code", _("This promo code has expired."), code="promo_expired")
    if promo.max_uses is not None and promo.used_count >= promo.max_uses:
        raise invalid("promo_code", _("This promo code has been used up."), code="promo_used_up")
    if subtotal < promo.min_subtotal:
        raise invalid("promo_code", _("This promo code needs an order of at least %(amount)s.") % {
            "amount": money.format_money(promo.min_subtotal, shop.currency)}, code="promo_minimum")
    return promo
