"""Reads of reviews that check who may see what.

A product's or shop's reviews are shown to whoever may see the product or the shop's content
(vitrina.social.visibility); anyone else gets NotFound, as for the product itself. Within the
list, reviews by accounts not listed for the viewer (suspended, or a block either way) are left
out, as their comments are.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from vitrina.core.errors import NotFound
from vitrina.core.pagination import Page, paginate_desc
from vitrina.orders.models import Order
from vitrina.reviews.models import Review
from vitrina.shop.models import Product, Shop
from vitrina.social import visibility

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Rating:
    """An average of stars to one decimal (None without reviews) and how many reviews made it."""

    average: Decimal | None
    count: int


def rating_of(item: Product | Shop) -> Rating:
    """The product's or the shop's rating from its running totals."""
    return rating_from(item.rating_total, item.rating_count)


def rating_from(total: int, count: int) -> Rating:
    if not count:
        return Rating(None, 0)
    return Rating((Decimal(total) / Decimal(count)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP), count)


def _shown(viewer):
    """Reviews with what a review shows, by authors listed for the viewer."""
    return (Review.objects.filter(visibility.listed_q(viewer, account="buyer"))
            .select_related("buyer", "line", "product"))


def product_visible(*, viewer, product_id: int) -> Product:
    """The product whose reviews are asked for: one the viewer may see, or its shop's owner's own."""
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    products = Product.objects.select_related("shop__owner").filter(pk=product_id)
    product = (products.filter(shop__owner_id=viewer_id).first() if viewer_id else None) \
        or products.filter(pk__in=Product.objects.visible_to(viewer).values("pk")).first()
    if product is None:
        raise NotFound(_("This product is not available."))
    return product


def reviews_of_product(*, viewer, product: Product, cursor=None, limit=None) -> Page:
    """A product's reviews, newest first. The caller read `product` through product_visible."""
    return paginate_desc(_shown(viewer).filter(product=product), cursor=cursor, limit=limit)


def shop_visible(*, viewer, owner) -> Shop:
    """The shop of an account whose content the viewer may see, or NotFound."""
    shop = Shop.objects.filter(owner=owner).select_related("owner").first()
    if shop is None or not visibility.sees_content(viewer, owner):
        raise NotFound(_("This shop does not exist."))
    return shop


def reviews_of_shop(*, viewer, shop: Shop, cursor=None, limit=None) -> Page:
    """A shop's reviews, newest first. The caller read `shop` through shop_visible."""
    return paginate_desc(_shown(viewer).filter(shop=shop), cursor=cursor, limit=limit)


def latest_of_product(*, viewer, product: Product, limit: int) -> list[Review]:
    """The newest reviews for the product page, or none when the viewer may not see the product."""
    try:
        product = product_visible(viewer=viewer, product_id=product.pk)
    except NotFound:
        return []
    return list(_shown(viewer).filter(product=product).order_by("-id")[:limit])


def reviews_of_order(*, order: Order) -> dict[int, Review]:
    """The reviews of an order's lines by line id, for its buyer and its seller (the caller is one of them)."""
    return {review.line_id: review
            for review in Review.objects.filter(line__order=order).select_related("buyer", "line")}


def review_for_seller(*, seller, review_id: int) -> Review:
    review = Review.objects.filter(pk=review_id, shop__owner_id=getattr(seller, "pk", None)) \
        .select_related("line__order").first()
    if review is None:
        raise NotFound(_("This review does not exist."))
    return review
