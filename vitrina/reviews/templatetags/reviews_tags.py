"""Reviews on other apps' pages.

- {% product_reviews product %} on the product page: the average, the count and the latest reviews with replies.
- {% order_reviews order %} on the order page: the buyer's review forms once delivered, the seller's reply forms.
  It decides by request.user: the order's buyer, its shop's owner, or (anyone else) nothing.
- {% rating_summary product_or_shop %} anywhere a rating is shown: stars and "4.5 · 12 reviews".
"""

from dataclasses import dataclass

from django import template

from vitrina.orders.models import OrderLine, OrderStatus
from vitrina.reviews import selectors
from vitrina.reviews.forms import take_failure
from vitrina.reviews.models import TEXT_MAX, Review
from vitrina.reviews.services import RATING_MAX, RATING_MIN

register = template.Library()

# Reviews shown on the product page; the rest are a link away.
LATEST = 5
STARS = tuple(range(RATING_MIN, RATING_MAX + 1))


def stars_lit(average) -> list[bool]:
    """Which of the five stars are lit for an average: whole stars, 4.75 and up counting as 5."""
    lit = int(float(average) + 0.25) if average is not None else 0
    return [star <= lit for star in STARS]


@register.filter
def lit_stars(value) -> list[bool]:
    return stars_lit(value)


def _viewer(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return request, (user if user is not None and user.is_authenticated else None)


@register.inclusion_tag("reviews/_product_reviews.html", takes_context=True)
def product_reviews(context, product):
    _request, viewer = _viewer(context)
    rating = selectors.rating_of(product)
    reviews = selectors.latest_of_product(viewer=viewer, product=product, limit=LATEST)
    return {"product": product, "rating": rating, "reviews": reviews, "lit": stars_lit(rating.average),
            "more": rating.count > len(reviews), "request": context.get("request")}


@register.inclusion_tag("reviews/_rating_summary.html")
def rating_summary(item):
    """Stars and "4.5 · 12 reviews" for a Product (its rating) or a Shop (the seller's); nothing without reviews."""
    return {"rating": selectors.rating_of(item)}


@dataclass
class LineForm:
    """One line of a delivered order as its buyer sees it: their review, or the form to write one."""

    line: OrderLine
    review: Review | None
    error: dict | None = None

    @property
    def prefix(self) -> str:
        return f"review-{self.line.pk}"

    @property
    def data(self) -> dict:
        return (self.error or {}).get("data", {})


@register.inclusion_tag("reviews/_order_reviews.html", takes_context=True)
def order_reviews(context, order):
    request, viewer = _viewer(context)
    shown = {"order": order, "request": request, "role": None, "stars": STARS, "text_max": TEXT_MAX}
    if viewer is None:
        return shown
    is_buyer, is_seller = viewer.pk == order.buyer_id, viewer.pk == order.shop.owner_id
    if not (is_buyer and order.status == OrderStatus.DELIVERED) and not is_seller:
        return shown
    reviews = selectors.reviews_of_order(order=order)
    failure = take_failure(request, order_id=order.pk)
    target = failure["target"] if failure else None
    if is_buyer:
        lines = [LineForm(line, reviews.get(line.pk), failure if target == f"line:{line.pk}" else None)
                 for line in order.lines.all()]
        to_write = [item for item in lines if item.review is None]
        # A failure with no form left to show it under (a second review) is shown above the forms.
        matched = any(item.error for item in to_write)
        return {**shown, "role": "buyer", "to_write": to_write, "written": [i for i in lines if i.review],
                "failure": failure if failure and not matched else None}
    replies = [(review, failure if target == f"review:{review.pk}" else None) for review in reviews.values()]
    matched = any(error for review, error in replies if not review.replied_at)
    return {**shown, "role": "seller", "replies": sorted(replies, key=lambda pair: pair[0].pk),
            "failure": failure if failure and not matched else None}
