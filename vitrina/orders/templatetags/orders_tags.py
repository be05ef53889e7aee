"""Money for the reader's language, and the cart entry with its badge."""

from django import template

from vitrina.orders.cart import cart_count
from vitrina.shop import money as money_lib

register = template.Library()


@register.simple_tag
def money(amount, currency: str, negative: bool = False) -> str:
    """`amount` formatted for the active language (1 234,50 ₽, ৳1,234.50, ¥1,500)."""
    return money_lib.format_money(-amount if negative else amount, currency)


@register.filter
def plain_number(value) -> str:
    """A Decimal without trailing zeros or exponent: 12.5, 10."""
    return f"{value.normalize():f}"


@register.inclusion_tag("orders/_cart_link.html", takes_context=True)
def cart_link(context):
    user = getattr(context.get("request"), "user", None)
    count = cart_count(buyer=user) if user is not None and user.is_authenticated else 0
    return {"count": count}
