"""Writes for the catalog: opening a shop, products with their variants.

A business account's first product opens its shop in that product's currency
(shared/API.md); every later product must use the same currency. Photos, collections
and the shop's settings have their own modules (photos.py, collections.py, shop_settings.py).

Only the shop's owner changes anything: the entry points find the product through
selectors.product_for_owner (404 for everyone else), and each service checks again.
"""

from decimal import Decimal, InvalidOperation
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils.translation import gettext as _

from vitrina.accounts.models import User
from vitrina.core import throttle
from vitrina.core.errors import Forbidden, InvalidInput
from vitrina.core.text import clean_text
from vitrina.media import images
from vitrina.shop import money, tags
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


def _clean_description(value) -> str:
    description = clean_text(value or "", multiline=True)
    if len(description) > DESCRIPTION_MAX:
        raise _invalid("description", _("At most %(max)s characters.") % {"max": DESCRIPTION_MAX})
    return description


def _check_status(status) -> None:
    if status not in ProductStatus.values:
        raise _invalid("status", _("Choose draft, active or archived."))


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
    throttle.rate_limit(action="catalog", ident=owner.pk)
    title = _clean_line(title, field="title", limit=TITLE_MAX, required=True)
    description = _clean_description(description)
    category = _clean_line(category, field="category", limit=CATEGORY_MAX)
    _check_status(status)
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


def require_owner(product: Product, user: User) -> None:
    """A second check behind selectors.product_for_owner, for callers that found the product elsewhere."""
    if product.shop.owner_id != getattr(user, "pk", None):
        raise Forbidden(_("Only the shop's owner can change this product."))


def tag_state(product_ids) -> dict[int, tuple]:
    """What a product tag on a photo shows of each product: title, status, lowest active price,
    whether anything is in stock, the first photo. A change to any of it rewrites the tagged posts' cards."""
    rows = (Product.objects.filter(pk__in=list(product_ids))
            .annotate(low=Min("variants__price", filter=Q(variants__is_active=True)),
                      stocked=Min("variants__id", filter=Q(variants__is_active=True, variants__stock__gt=0)),
                      first_image=Min("images__id", filter=Q(images__position=0)))
            .values_list("pk", "title", "status", "low", "stocked", "first_image"))
    return {pk: (title, status, low, stocked is not None, image) for pk, title, status, low, stocked, image in rows}


def changed_on_commit(before: dict[int, tuple], product_ids) -> None:
    """Within the writing transaction: tell the tags (vitrina.shop.tags) once it commits, if a tag would show
    anything different. `before` is tag_state(...) read in the same transaction before the writes."""
    after = tag_state(product_ids)
    changed = sorted(pk for pk in set(before) | set(after) if before.get(pk) != after.get(pk))
    if changed:
        transaction.on_commit(partial(tags.products_changed, changed))


def _variant_edits(raw, product: Product, existing: dict[int, ProductVariant]) -> tuple[list, list]:
    """(edited existing variants, new unsaved ones) from PATCH's variants: an item with an `id` edits
    that variant (name, sku, price, stock, is_active: each optional), one without adds a variant."""
    if not isinstance(raw, list) or len(raw) > MAX_VARIANTS:
        raise _invalid("variants", _("Give from 1 to %(max)s variants.") % {"max": MAX_VARIANTS})
    currency = product.shop.currency
    edited, added, seen_ids = [], [], set()
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise _invalid("variants", _("Each variant needs a SKU, a price and a stock."))
        variant_id = item.get("id")
        if variant_id is None:
            new = clean_variants([item], currency)[0]
            new.product, new.shop, new.position = product, product.shop, len(existing) + len(added)
            added.append(new)
            continue
        variant = existing.get(variant_id) if isinstance(variant_id, int) else None
        if variant is None or variant_id in seen_ids:
            raise _invalid(f"variants.{i}.id", _("This product has no such variant."), code="unknown_variant")
        seen_ids.add(variant_id)
        if "name" in item:
            variant.name = _clean_line(item["name"], field=f"variants.{i}.name", limit=VARIANT_NAME_MAX)
        if "sku" in item:
            variant.sku = _clean_line(item["sku"], field=f"variants.{i}.sku", limit=SKU_MAX, required=True)
        if "price" in item:
            variant.price = parse_price(item["price"], currency, field=f"variants.{i}.price")
        if "stock" in item:
            variant.stock = parse_stock(item["stock"], field=f"variants.{i}.stock")
        if "is_active" in item:
            if not isinstance(item["is_active"], bool):
                raise _invalid(f"variants.{i}.is_active", _("Give true or false."))
            variant.is_active = item["is_active"]
        edited.append(variant)
    if len(existing) + len(added) > MAX_VARIANTS:
        raise _invalid("variants", _("Give from 1 to %(max)s variants.") % {"max": MAX_VARIANTS})
    return edited, added


def _check_variant_set(variants: list[ProductVariant]) -> None:
    """The product's variants after an edit: SKUs distinct (ignoring case, as clean_variants does) and one
    still on sale."""
    skus = [v.sku.casefold() for v in variants]
    if len(skus) != len(set(skus)):
        raise _invalid("variants", _("Each variant needs its own SKU."), code="duplicate_sku")
    if not any(v.is_active for v in variants):
        raise _invalid("variants", _("Keep at least one variant on sale; archive the product instead."),
                       code="no_active_variant")


def product_update(
    *, product: Product, editor: User, title: str | None = None, description: str | None = None,
    category: str | None = None, status: str | None = None, variants: list | None = None,
) -> Product:
    """Edit a product and its variants (see _variant_edits); everything is checked before anything is written,
    and a refused edit changes nothing."""
    require_owner(product, editor)
    throttle.rate_limit(action="catalog", ident=editor.pk)
    fields = {}
    if title is not None:
        fields["title"] = _clean_line(title, field="title", limit=TITLE_MAX, required=True)
    if description is not None:
        fields["description"] = _clean_description(description)
    if category is not None:
        fields["category"] = _clean_line(category, field="category", limit=CATEGORY_MAX)
    if status is not None:
        _check_status(status)
        fields["status"] = status
    with transaction.atomic():
        product = Product.objects.select_for_update().select_related("shop").get(pk=product.pk)
        before = tag_state([product.pk])
        existing = {v.pk: v for v in product.variants.all()}
        edited, added = _variant_edits(variants, product, existing) if variants is not None else ([], [])
        if variants is not None:
            _check_variant_set(list(existing.values()) + added)
        for name, value in fields.items():
            setattr(product, name, value)
        product.save()
        try:
            with transaction.atomic():
                # Stock is written as the owner counted it; an order placed meanwhile reserved from the old count.
                if edited:
                    ProductVariant.objects.bulk_update(edited, ["name", "sku", "price", "stock", "is_active"])
                ProductVariant.objects.bulk_create(added)
        except IntegrityError:
            raise _invalid("variants", _("A product of this shop already uses one of these SKUs."),
                           code="duplicate_sku") from None
        changed_on_commit(before, [product.pk])
    return product


def product_delete(*, product: Product, actor: User) -> str:
    """Delete a product, or archive it when orders name it (their lines keep their snapshots, and the
    seller's history keeps the product). Returns "deleted" or "archived"."""
    require_owner(product, actor)
    throttle.rate_limit(action="catalog", ident=actor.pk)
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        before = tag_state([product.pk])
        if product.order_lines.exists():
            product.status = ProductStatus.ARCHIVED
            product.save(update_fields=["status", "updated_at"])
            changed_on_commit(before, [product.pk])
            return "archived"
        product_id = product.pk
        names = [name for image in product.images.all() for name in image.storage_names()]
        product.delete()
        transaction.on_commit(partial(tags.products_changed, [product_id]))
        for name in names:
            transaction.on_commit(partial(images.delete_quietly, name))
    return "deleted"
