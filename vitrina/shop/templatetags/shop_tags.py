"""The catalog on pages: prices in the reader's language, stock states, ratings, the profile's Shop tab."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vitrina.posts.frames import frame_class
from vitrina.shop import money, selectors

register = template.Library()

# "Only N left" below this many units; more is simply "In stock".
LOW_STOCK = 5


@register.filter
def price(product) -> str:
    """The product's price: its lowest on-sale variant's (selectors.with_details annotates `low_price`),
    "from" when the variants differ."""
    variants = [v for v in product.variants.all() if v.is_active]
    if not variants:
        return ""
    low = min(v.price for v in variants)
    text = money.format_money(low, product.shop.currency)
    if any(v.price != low for v in variants):
        return _("from %(price)s") % {"price": text}
    return text


@register.filter
def variant_price(variant) -> str:
    return money.format_money(variant.price, variant.product.shop.currency)


@register.filter
def stock_state(variant) -> dict:
    """{"code": in_stock | low | sold_out, "text": what the buyer reads}."""
    if not variant.is_active or variant.stock <= 0:
        return {"code": "sold_out", "text": _("Sold out")}
    if variant.stock <= LOW_STOCK:
        return {"code": "low", "text": ngettext("Only %(count)d left", "Only %(count)d left",
                                                variant.stock) % {"count": variant.stock}}
    return {"code": "in_stock", "text": _("In stock")}


@register.filter
def on_sale(variants) -> list:
    """Variants a buyer can pick: active ones (an archived variant stays only for old orders)."""
    return [v for v in variants if v.is_active]


@register.filter
def first_in_stock(variants):
    """The variant the picker starts on: the first in stock, else the first."""
    variants = list(variants)
    return next((v for v in variants if v.stock > 0), variants[0] if variants else None)


@register.filter
def sold_out(product) -> bool:
    return not any(v.is_active and v.stock > 0 for v in product.variants.all())


@register.simple_tag
def rating(total: int, count: int) -> str:
    """An average of 1-5 with one decimal and its count ("4.5 · 12 reviews"), or "No reviews yet"."""
    if not count:
        return _("No reviews yet")
    average = (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    reviews = ngettext("%(count)d review", "%(count)d reviews", count) % {"count": count}
    return f"{number_format(average, 1)} · {reviews}"


@register.filter
def photo_frame(product) -> str:
    """The carousel's frame class from the first photo's shape, as a post's (posts.frames)."""
    first = next(iter(product.images.all()), None)
    return frame_class(first.width, first.height) if first else frame_class(1, 1)


@register.simple_tag(takes_context=True)
def profile_has_shop(context, profile) -> bool:
    """Whether the profile shows a Shop tab (active products the reader may see)."""
    request = context.get("request")
    return profile.is_business and selectors.has_shop_products(viewer=getattr(request, "user", None), owner=profile)
