"""Writes for the catalog: opening a shop, products with their variants.

A business account's first product opens its shop in that product's currency
(shared/API.md); every later product must use the same currency.
"""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vitrina.accounts.models import User
from vitrina.core.errors import Forbidden, InvalidInput
from vitrina.core.text import clean_text
from vitrina.shop import money
from vitrina.shop.models import (
    CATEGORY_MAX,
    DESCRIPTION_MAX,
    MAX_VARIANTS,
    SKU_MAX,
    TITLE_MAX,
    VARIANT_NAME_MAX,
    DeliveryMethod,
    Product,
    ProductStatus,
    ProductVariant,
    Shop,
)

# Stock per variant; more is a typing mistake, not an inventory.
MAX_STOCK = 1_000_000
MAX_PRICE = Decimal("99999999999")


def _invalid(field: str, message: str, *, code: str = "invalid") -> InvalidInput:
    return InvalidInput(message, code=code, fields={field: [message]})


def require_business(user: User) -> None:
    if not user.is_business:
        raise Forbidden(_("Only business accounts can sell."), code="not_business")


def shop_open(*, owner: User, currency: str) -> Shop:
    """The owner's shop, opened in `currency` if it has none; with `pickup` delivery (free)."""
    require_business(owner)
    currency = (currency or "").strip().upper()
    if not money.is_currency(currency):
        raise _invalid("currency", _("Give the currency as an ISO 4217 code, such as RUB, BDT or USD."),
                       code="invalid_currency")
    with transaction.atomic():
        shop, created = Shop.objects.get_or_create(owner=owner, defaults={"currency": currency})
        if created:
            DeliveryMethod.objects.create(shop=shop, code="pickup", name=_("Pickup"), price=0)
    return shop


def parse_price(raw, currency: str, *, field: str = "price") -> Decimal:
    """A price as a Decimal exact to the currency's minor unit; floats are refused only when
    they carry more digits than the currency has (10.5 JPY is refused, 10.50 USD is not)."""
    try:
        price = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise _invalid(field, _("Give the price as a number, such as 1500 or 12.50.")) from None
    if not price.is_finite() or price < 0 or price > MAX_PRICE:
        raise _invalid(field, _("Give a price of zero or more."))
    if not money.is_exact(price, currency):
        raise _invalid(field, _("%(currency)s prices have at most %(places)s decimal places.") % {
            "currency": currency, "places": money.minor_unit(currency)}, code="invalid_precision")
    return money.quantize(price, currency)


def parse_stock(raw, *, field: str = "stock") -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_STOCK:
        raise _invalid(field, _("Give the stock as a whole number from 0 to %(max)s.") % {"max": MAX_STOCK})
    return raw


def _clean_line(value, *, field: str, limit: int, required: bool = False) -> str:
    value = clean_text(value or "", multiline=False)
    if required and not value:
        raise _invalid(field, _("This field is required."), code="required")
    if len(value) > limit:
        raise _invalid(field, _("At most %(max)s characters.") % {"max": limit})
    return value


def clean_variants(raw: list, currency: str) -> list[ProductVariant]:
    """Unsaved variants from the API's `variants[{name, sku, price, stock}]`, checked."""
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_VARIANTS:
        raise _invalid("variants", _("Give from 1 to %(max)s variants.") % {"max": MAX_VARIANTS})
    variants, skus = [], set()
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise _invalid("variants", _("Each variant needs a SKU, a price and a stock."))
        sku = _clean_line(item.get("sku"), field=f"variants.{i}.sku", limit=SKU_MAX, required=True)
        if sku.casefold() in skus:
            raise _invalid(f"variants.{i}.sku", _("Each variant needs its own SKU."), code="duplicate_sku")
        skus.add(sku.casefold())
        variants.append(ProductVariant(
            name=_clean_line(item.get("name"), field=f"variants.{i}.name", limit=VARIANT_NAME_MAX),
            sku=sku,
            price=parse_price(item.get("price"), currency, field=f"variants.{i}.price"),
            stock=parse_stock(item.get("stock", 0), field=f"variants.{i}.stock"),
            position=i,
        ))
    return variants


def product_create(
    *, owner: User, title: str, currency: str, variants: list, description: str = "", category: str = "",
    status: str = ProductStatus.ACTIVE,
) -> Product:
    """A product with its variants; the owner's first product opens the shop in `currency`."""
    require_business(owner)
    title = _clean_line(title, field="title", limit=TITLE_MAX, required=True)
    description = clean_text(description or "", multiline=True)
    if len(description) > DESCRIPTION_MAX:
        raise _invalid("description", _("At most %(max)s characters.") % {"max": DESCRIPTION_MAX})
    category = _clean_line(category, field="category", limit=CATEGORY_MAX)
    if status not in ProductStatus.values:
        raise _invalid("status", _("Choose draft, active or archived."))
    currency = (currency or "").strip().upper()
    shop = Shop.objects.filter(owner=owner).first()
    if shop is not None and currency and currency != shop.currency:
        raise _invalid("currency", _("This shop sells in %(currency)s.") % {"currency": shop.currency},
                       code="currency_mismatch")
    if shop is None and not money.is_currency(currency):
        raise _invalid("currency", _("Give the currency as an ISO 4217 code, such as RUB, BDT or USD."),
                       code="invalid_currency")
    cleaned = clean_variants(variants, shop.currency if shop else currency)
    with transaction.atomic():
        shop = shop or shop_open(owner=owner, currency=currency)
        product = Product.objects.create(shop=shop, title=title, description=description, category=category,
                                         status=status)
        for variant in cleaned:
            variant.product, variant.shop = product, shop
        try:
            with transaction.atomic():
                ProductVariant.objects.bulk_create(cleaned)
        except IntegrityError:
            raise _invalid("variants", _("A product of this shop already uses one of these SKUs."),
                           code="duplicate_sku") from None
    return product
