"""Reviews in the native API (shared/API.md, Shop): a review of a delivered order, the seller's
reply, and the reviews of a product and of a shop."""

from ninja import Query, Router
from ninja.responses import Status

from vitrina.accounts.auth import OPTIONAL, REQUIRED, viewer_of
from vitrina.core.pagination import PageParams
from vitrina.reviews import selectors, services
from vitrina.reviews.models import Review
from vitrina.reviews.schemas import ReplyIn, ReviewCreatedOut, ReviewIn, ReviewList, ReviewOut, rating_data, review_data
from vitrina.social.selectors import profile_get

router = Router(tags=["reviews"])


def _one(review_id: int) -> Review:
    return Review.objects.select_related("buyer", "line", "shop__owner").get(pk=review_id)


def _out(review: Review) -> dict:
    return review_data(review, seller=review.shop.owner.username)


@router.post("/orders/{int:order_id}/review", response={201: ReviewCreatedOut}, auth=REQUIRED)
def review_create(request, order_id: int, payload: ReviewIn):
    """After delivery: 409 review_too_early before, review_exists for a second review of a line."""
    review = services.review_create(buyer=request.auth, order_id=order_id, **payload.dict())
    return Status(201, _out(_one(review.pk)))


@router.post("/reviews/{int:review_id}/reply", response={201: ReviewOut}, auth=REQUIRED)
def review_reply(request, review_id: int, payload: ReplyIn):
    """The shop owner's one reply (409 reply_exists for a second)."""
    review = services.review_reply(seller=request.auth, review_id=review_id, text=payload.text)
    return Status(201, _out(_one(review.pk)))


def _list(page, rating, seller: str) -> dict:
    return {"items": [review_data(r, seller=seller) for r in page.items], "next_cursor": page.next_cursor,
            "rating": rating_data(rating)}


@router.get("/shop/products/{int:product_id}/reviews", response=ReviewList, auth=OPTIONAL)
def product_reviews(request, product_id: int, params: Query[PageParams]):
    """The product's reviews, newest first, with its rating."""
    viewer = viewer_of(request)
    product = selectors.product_visible(viewer=viewer, product_id=product_id)
    page = selectors.reviews_of_product(viewer=viewer, product=product, **params.dict())
    return _list(page, selectors.rating_of(product), product.shop.owner.username)


@router.get("/accounts/{username}/reviews", response=ReviewList, auth=OPTIONAL)
def shop_reviews(request, username: str, params: Query[PageParams]):
    """The reviews of the account's shop, newest first, with the seller's rating."""
    viewer = viewer_of(request)
    shop = selectors.shop_visible(viewer=viewer, owner=profile_get(viewer=viewer, username=username))
    page = selectors.reviews_of_shop(viewer=viewer, shop=shop, **params.dict())
    return _list(page, selectors.rating_of(shop), shop.owner.username)
