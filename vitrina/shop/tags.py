"""Products tagged on post photos, and the snapshot of them each post card carries.

STUB (interface for the other parts of the shop; the product-tags work fills it in):
- products_changed(product_ids): call after any change a tag shows (title, price, status, stock running out or
  coming back); rewrites Post.product_tags of the posts tagging them and bumps their updated_at (the card version).
- posts_featuring(viewer, product, limit): posts the viewer may see that tag this product, newest first.
"""


def products_changed(product_ids) -> None:
    return None


def posts_featuring(*, viewer, product, limit: int = 12) -> list:
    return []
