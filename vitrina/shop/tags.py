"""Products tagged on post photos, and the snapshot of them each post card carries: the shop's
public entry points (the rest of the shop, the API and the pages call these).

- product_tag_add / product_tag_remove: the post's author tags products of their shop on its photos
  (vitrina.shop.tag_services).
- products_changed(product_ids): call after any change a tag shows (title, price, status, stock
  running out or coming back); rewrites Post.product_tags of the posts tagging them and bumps their
  updated_at (the card version) in the same UPDATE. It locks those posts' rows; call it inside the
  transaction of the change or after it.
- Deleting a product deletes its tags (CASCADE), and then nothing finds the posts that showed it:
  read `ids = tagged_post_ids([product.pk])` first, delete, then `posts_rewrite(ids)`.
- posts_featuring(viewer, product, limit): posts the viewer may see that tag this product, newest first.
"""

from django.db.models import Prefetch

from vitrina.posts.models import Post, PostMedia
from vitrina.shop.models import Product, ProductTag
from vitrina.shop.tag_services import parse_point, product_tag_add, product_tag_remove
from vitrina.shop.tag_snapshot import posts_rewrite, products_changed, snapshots_of, tagged_post_ids

__all__ = [
    "parse_point", "posts_featuring", "posts_rewrite", "product_tag_add", "product_tag_remove", "products_changed",
    "snapshots_of", "tagged_post_ids",
]


def posts_featuring(*, viewer, product: Product, limit: int = 12) -> list[Post]:
    """Posts the viewer may see (Post.objects.visible_to) that tag this product, newest first,
    with their authors and photos read (for a grid of thumbnails)."""
    tagged = ProductTag.objects.filter(product=product).values("post_id")
    return list(Post.objects.visible_to(viewer).filter(pk__in=tagged).select_related("author")
                .prefetch_related(Prefetch("media", queryset=PostMedia.objects.order_by("position")))
                .order_by("-pk")[:limit])
