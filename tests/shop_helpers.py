"""Shared helpers for the catalog tests: products made through the real services."""

from vitrina.shop import services


def make_product(owner, *, title="Linen shirt", currency="RUB", variants=None, **kwargs):
    variants = variants if variants is not None else [{"name": "M", "sku": f"SKU-{title[:20]}", "price": "1500",
                                                       "stock": 10}]
    return services.product_create(owner=owner, title=title, currency=currency, variants=variants, **kwargs)
