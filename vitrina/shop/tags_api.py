"""Product tags in the native API: POST and DELETE /posts/{id}/product-tags (shared/API.md).

The post's tags come with the post itself (PostOut.product_tags); these only change them.
"""

from ninja import Field, Router, Schema
from ninja.responses import Status

from vitrina.accounts.auth import REQUIRED
from vitrina.posts.schemas import ProductTagOut
from vitrina.posts.selectors import post_for_owner
from vitrina.shop import tags

router = Router(tags=["shop"])


class ProductTagIn(Schema):
    product_id: int
    media_id: int
    # Strict: "0.5" as text is refused, not read as a number; NaN and infinities are refused by the service.
    x: float = Field(strict=True, description="From the photo's left edge (0) to its right edge (1)")
    y: float = Field(strict=True, description="From the photo's top edge (0) to its bottom edge (1)")


@router.post("/posts/{int:post_id}/product-tags", response={201: ProductTagOut}, auth=REQUIRED)
def product_tag_create(request, post_id: int, payload: ProductTagIn):
    post = post_for_owner(owner=request.auth, post_id=post_id)
    return Status(201, tags.product_tag_add(actor=request.auth, post=post, **payload.dict()))


@router.delete("/posts/{int:post_id}/product-tags/{int:tag_id}", response={204: None}, auth=REQUIRED)
def product_tag_delete(request, post_id: int, tag_id: int):
    post = post_for_owner(owner=request.auth, post_id=post_id)
    tags.product_tag_remove(actor=request.auth, post=post, tag_id=tag_id)
    return Status(204, None)
