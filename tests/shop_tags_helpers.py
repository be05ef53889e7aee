"""Shared state for the product tag tests: a shop with products, a post of its owner, changes to products
made the way the catalog makes them (the rows, then tags.products_changed)."""

from decimal import Decimal

from tests.posts_helpers import make_post
from vitrina.shop import services as shop_services
from vitrina.shop import tags
from vitrina.shop.models import Product, ProductVariant


def make_product(owner, title="Linen shirt", *, currency="RUB", price="1500", stock=5, status="active", variants=None):
    variants = variants or [{"name": "M", "sku": f"{title[:20]}-M", "price": price, "stock": stock}]
    return shop_services.product_create(owner=owner, title=title, currency=currency, variants=variants, status=status)


def tagged_post(owner, products, *, photos=("Canon_40D.jpg",), points=None):
    """A post of the owner with each product tagged on its first photo."""
    post = make_post(owner, caption="New in", photos=photos)
    media = post.media.order_by("position").first()
    for i, product in enumerate(products):
        x, y = points[i] if points else (0.2 + 0.1 * i, 0.5)
        tags.product_tag_add(actor=owner, post=post, media_id=media.pk, product_id=product.pk, x=x, y=y)
    post.refresh_from_db()
    return post


def product_change(product, *, title=None, price=None, stock=None, status=None):
    """Change a product's rows as the catalog's product_update would, then tell the tags."""
    if title is not None or status is not None:
        Product.objects.filter(pk=product.pk).update(**{k: v for k, v in (("title", title), ("status", status))
                                                       if v is not None})
    variant_changes = {k: v for k, v in (("price", None if price is None else Decimal(price)), ("stock", stock))
                       if v is not None}
    if variant_changes:
        ProductVariant.objects.filter(product=product).update(**variant_changes)
    tags.products_changed([product.pk])
    product.refresh_from_db()
    return product
