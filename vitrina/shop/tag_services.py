"""Writes of product tags: a post's author tags products of their own shop on the post's photos.

Others' posts, photos and products are NotFound (404), as if they did not exist: a tag never
tells anyone what another account has. Each write rewrites the post's snapshot
(vitrina.shop.tag_snapshot) in its transaction, so the card shows it at once.
"""

import math

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vitrina.accounts.models import User
from vitrina.core import throttle
from vitrina.core.errors import Conflict, InvalidInput, NotFound
from vitrina.posts.models import Post, PostMedia
from vitrina.posts.selectors import not_available as post_not_available
from vitrina.shop.models import MAX_TAGS_PER_PHOTO, Product, ProductStatus, ProductTag
from vitrina.shop.selectors import not_available as product_not_available
from vitrina.shop.tag_snapshot import posts_rewrite, snapshots_of


def _invalid(field: str, message: str, *, code: str = "invalid") -> InvalidInput:
    return InvalidInput(message, code=code, fields={field: [message]})


def parse_point(value, *, field: str) -> float:
    """A coordinate on a photo: a number from 0 (left or top edge) to 1 (right or bottom edge).

    Only numbers: text, booleans, NaN and infinities are refused, so that a client's
    mistake is an error rather than a dot somewhere else.
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not 0 <= value <= 1:
        raise _invalid(field, _("Give a number from 0 to 1."), code="invalid_point")
    return float(value)


def _own_post(actor: User, post: Post) -> None:
    if actor is None or post.author_id != actor.pk:
        raise post_not_available()


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def product_tag_add(*, actor: User, post: Post, media_id: int, product_id: int, x: float, y: float) -> dict:
    """Tag a product of the actor's shop at (x, y) on one of the actor's post's photos; returns the tag
    as the post's snapshot shows it (vitrina.posts.schemas.ProductTagOut)."""
    _own_post(actor, post)
    x, y = parse_point(x, field="x"), parse_point(y, field="y")
    media = PostMedia.objects.filter(pk=media_id, post=post).first() if _is_id(media_id) else None
    if media is None:
        raise NotFound(_("This photo is not in this post."))
    product = (Product.objects.filter(pk=product_id, shop__owner=actor).first()
               if _is_id(product_id) else None)
    if product is None:
        raise product_not_available()
    if product.status != ProductStatus.ACTIVE or not product.variants.exists():
        raise _invalid("product_id", _("Only products on sale can be tagged."), code="product_not_active")
    throttle.rate_limit(action="product_tag", ident=actor.pk)
    with transaction.atomic():
        # The post's row lock (see posts_rewrite) also keeps two tags from both being the fifth.
        Post.objects.select_for_update().filter(pk=post.pk).values_list("pk").first()
        on_photo = ProductTag.objects.filter(media=media)
        if on_photo.filter(product=product).exists():
            raise Conflict(_("This product is already tagged on this photo."), code="already_tagged",
                           fields={"product_id": [_("This product is already tagged on this photo.")]})
        if on_photo.count() >= MAX_TAGS_PER_PHOTO:
            message = _("A photo can have at most %(max)s product tags.") % {"max": MAX_TAGS_PER_PHOTO}
            raise _invalid("media_id", message, code="too_many_tags")
        try:
            with transaction.atomic():
                tag = ProductTag.objects.create(post=post, media=media, product=product, x=x, y=y)
        except IntegrityError:
            raise Conflict(_("This product is already tagged on this photo."), code="already_tagged") from None
        posts_rewrite([post.pk])
    shown = snapshots_of([post.pk]).get(post.pk, [])
    return next(entry for entry in shown if entry["id"] == tag.pk)


def product_tag_remove(*, actor: User, post: Post, tag_id: int) -> None:
    """Remove a tag from the actor's post."""
    _own_post(actor, post)
    with transaction.atomic():
        deleted, _kinds = ProductTag.objects.filter(pk=tag_id, post=post).delete() if _is_id(tag_id) else (0, {})
        if not deleted:
            raise NotFound(_("This tag is not on this post."))
        posts_rewrite([post.pk])
