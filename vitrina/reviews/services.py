"""Writes of reviews: the buyer reviews a delivered order's line once; the shop's owner replies once.

The shop's and the product's rating totals change in the review's own transaction, by F()
expressions: two reviews landing at once each add their own numbers, never a stale sum.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.core.errors import Conflict, InvalidInput, NotFound
from vitrina.core.text import clean_text
from vitrina.core.throttle import rate_limit
from vitrina.events import kinds
from vitrina.events.services import record
from vitrina.orders.models import Order, OrderLine, OrderStatus
from vitrina.reviews.models import TEXT_MAX, Review
from vitrina.shop.models import Product, Shop

RATING_MIN, RATING_MAX = 1, 5


def invalid(field_name: str, message: str, *, code: str = "invalid") -> InvalidInput:
    return InvalidInput(message, code=code, fields={field_name: [message]})


def parse_rating(raw, *, field_name: str = "rating") -> int:
    """A whole number of stars, 1..5; bools, strings and fractions are refused, not coerced."""
    if isinstance(raw, bool) or not isinstance(raw, int) or not RATING_MIN <= raw <= RATING_MAX:
        raise invalid(field_name, _("Give a rating from %(min)s to %(max)s stars.")
                      % {"min": RATING_MIN, "max": RATING_MAX}, code="invalid_rating")
    return raw


def parse_text(raw, *, field_name: str = "text", required: bool = False) -> str:
    if raw is not None and not isinstance(raw, str):
        raise invalid(field_name, _("Write the text as plain text."))
    text = clean_text(raw, multiline=True)
    if len(text) > TEXT_MAX:
        raise invalid(field_name, _("At most %(max)s characters.") % {"max": TEXT_MAX}, code="text_too_long")
    if required and not text:
        raise invalid(field_name, _("Write a reply."), code="text_required")
    return text


def _line_id(raw) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < 2 ** 63:
        raise invalid("line_id", _("Give an id as a whole number."))
    return raw


def order_not_found() -> NotFound:
    return NotFound(_("This order does not exist."))


def _line_of(order: Order, line_id: int | None) -> OrderLine:
    lines = list(order.lines.all()[:2]) if line_id is None else list(order.lines.filter(pk=line_id))
    if line_id is not None and not lines:
        raise NotFound(_("This order line does not exist."))
    if len(lines) > 1:
        raise invalid("line_id", _("Choose which item of the order to review."), code="line_required")
    return lines[0]


def review_create(*, buyer, order_id: int, line_id=None, rating, seller_rating=None, text="") -> Review:
    """The buyer's review of one line of their delivered order, or raise: 404 for an order or line
    that is not theirs, 409 review_too_early before delivery and review_exists for a second review,
    422 for bad ratings or text. `seller_rating` defaults to `rating`; `line_id` may be left out
    when the order has one line."""
    rate_limit(action="review", ident=buyer.pk)
    rating = parse_rating(rating)
    seller_rating = rating if seller_rating is None else parse_rating(seller_rating, field_name="seller_rating")
    text = parse_text(text)
    line_id = _line_id(line_id)
    if isinstance(order_id, bool) or not isinstance(order_id, int):
        raise order_not_found()
    order = Order.objects.filter(pk=order_id, buyer_id=buyer.pk).select_related("shop").first()
    if order is None:
        raise order_not_found()
    line = _line_of(order, line_id)
    if order.status != OrderStatus.DELIVERED:
        raise Conflict(_("You can review an order once it has been delivered."), code="review_too_early")
    if Review.objects.filter(line=line).exists():
        raise _exists()
    try:
        with transaction.atomic():
            review = Review.objects.create(line=line, product_id=line.product_id, shop_id=order.shop_id,
                                           buyer=buyer, rating=rating, seller_rating=seller_rating, text=text)
            if line.product_id:
                Product.objects.filter(pk=line.product_id).update(rating_total=F("rating_total") + rating,
                                                                  rating_count=F("rating_count") + 1)
            Shop.objects.filter(pk=order.shop_id).update(rating_total=F("rating_total") + seller_rating,
                                                         rating_count=F("rating_count") + 1)
            record(kinds.REVIEW_CREATED, actor=buyer, recipient_id=order.shop.owner_id, subject=review, data={
                "order": order.pk, "number": order.number, "product": line.product_id, "rating": rating})
    except IntegrityError:
        # Another request reviewed this line between the check above and the insert (the OneToOne).
        raise _exists() from None
    return review


def _exists() -> Conflict:
    return Conflict(_("You have already reviewed this item."), code="review_exists")


def review_reply(*, seller, review_id: int, text) -> Review:
    """The shop owner's one reply to a review of their shop: 404 for anyone else, 409 reply_exists
    for a second reply, 422 for an empty or too long text."""
    rate_limit(action="review", ident=seller.pk)
    text = parse_text(text, required=True)
    if isinstance(review_id, bool) or not isinstance(review_id, int):
        raise review_not_found()
    review = Review.objects.filter(pk=review_id, shop__owner_id=seller.pk).first()
    if review is None:
        raise review_not_found()
    now = timezone.now()
    # Conditional on no reply yet, so two replies sent at once make one.
    if not Review.objects.filter(pk=review.pk, replied_at__isnull=True).update(reply=text, replied_at=now):
        raise Conflict(_("You have already replied to this review."), code="reply_exists")
    review.reply, review.replied_at = text, now
    return review


def review_not_found() -> NotFound:
    return NotFound(_("This review does not exist."))
