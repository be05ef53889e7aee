"""Stock of variants: reserved when an order is placed, released when it is cancelled, refunded or expires.

Reservation (order placement) lives with checkout; release is here so every path that ends an order returns the
same units the same way.
"""

from django.db.models import F

from vitrina.shop.models import ProductVariant


def stock_release(order) -> None:
    """Put an order's units back on its variants. Caller holds the transaction that ends the order."""
    for line in order.lines.all():
        if line.variant_id is not None:
            ProductVariant.objects.filter(pk=line.variant_id).update(stock=F("stock") + line.quantity)
