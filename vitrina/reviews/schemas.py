"""API shapes of reviews."""

from datetime import datetime

from ninja import Field, Schema
from pydantic import StrictInt

from vitrina.media.images import url_of
from vitrina.reviews.models import Review
from vitrina.reviews.selectors import Rating


class ReviewIn(Schema):
    rating: StrictInt = Field(description="The product's stars, 1..5")
    seller_rating: StrictInt | None = Field(None, description="The seller's stars, 1..5; the product's by default")
    text: str = Field("", description="At most 2000 characters")
    line_id: StrictInt | None = Field(None, description="The order line reviewed; needed when the order has several")


class ReplyIn(Schema):
    text: str


class ReviewerOut(Schema):
    username: str
    display_name: str
    avatar_url: str


class SellerReplyOut(Schema):
    text: str
    created_at: datetime


class ReviewOut(Schema):
    id: int
    rating: int
    seller_rating: int
    text: str
    author: ReviewerOut
    product_id: int | None
    title: str = Field(description="The product's title as it was bought")
    variant_name: str
    seller: str = Field(description="The seller's username")
    reply: SellerReplyOut | None
    created_at: datetime


class ReviewCreatedOut(ReviewOut):
    order_id: int
    line_id: int


class ReviewRatingOut(Schema):
    average: float | None = Field(description="Stars to one decimal; null without reviews")
    count: int


class ReviewList(Schema):
    items: list[ReviewOut]
    next_cursor: str | None
    rating: ReviewRatingOut


def review_data(review: Review, *, seller: str) -> dict:
    buyer = review.buyer
    return {
        "id": review.pk, "rating": review.rating, "seller_rating": review.seller_rating, "text": review.text,
        "author": {"username": buyer.username, "display_name": buyer.display_name,
                   "avatar_url": url_of(buyer.avatar)},
        "product_id": review.product_id, "title": review.line.title, "variant_name": review.line.variant_name,
        "seller": seller,
        "reply": {"text": review.reply, "created_at": review.replied_at} if review.replied_at else None,
        "created_at": review.created_at, "order_id": review.line.order_id, "line_id": review.line_id,
    }


def rating_data(rating: Rating) -> dict:
    return {"average": float(rating.average) if rating.average is not None else None, "count": rating.count}
