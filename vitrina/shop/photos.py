"""Product photos: add, remove, reorder (at most MAX_PRODUCT_IMAGES per product).

As for posts (vitrina.posts.services.post_create): every photo is decoded and re-encoded
before anything is stored, files are stored before the rows that point to them and
removed again if anything fails, so a refused upload leaves nothing behind.
"""

from functools import partial

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vitrina.accounts.models import User
from vitrina.core import throttle
from vitrina.core.errors import InvalidInput, NotFound
from vitrina.core.text import clean_text
from vitrina.media import images, pipeline
from vitrina.posts.models import ALT_TEXT_MAX
from vitrina.shop.models import MAX_PRODUCT_IMAGES, Product, ProductImage
from vitrina.shop.services import changed_on_commit, require_owner, tag_state

# Positions are moved past this while reordering, so the unique (product, position) never meets itself.
REORDER_OFFSET = 1000


def _too_many() -> InvalidInput:
    message = ngettext("A product can have at most %(max)d photo.", "A product can have at most %(max)d photos.",
                       MAX_PRODUCT_IMAGES) % {"max": MAX_PRODUCT_IMAGES}
    return InvalidInput(message, code="too_many_photos", fields={"images": [message]})


def _alt_texts(alt_texts: list | None, count: int) -> list[str]:
    alt_texts = list(alt_texts or [])
    if len(alt_texts) > count or not all(isinstance(a, str) for a in alt_texts):
        message = _("Give at most one alt text per photo.")
        raise InvalidInput(message, fields={"alt_texts": [message]})
    alt_texts = [clean_text(a, multiline=False) for a in alt_texts]
    if any(len(a) > ALT_TEXT_MAX for a in alt_texts):
        message = _("Alt texts can have at most %(max)s characters.") % {"max": ALT_TEXT_MAX}
        raise InvalidInput(message, fields={"alt_texts": [message]})
    return alt_texts + [""] * (count - len(alt_texts))


def product_images_add(*, product: Product, editor: User, uploads: list, alt_texts: list | None = None
                       ) -> list[ProductImage]:
    """Add photos after the product's last one."""
    require_owner(product, editor)
    throttle.rate_limit(action="catalog", ident=editor.pk)
    if not uploads:
        raise InvalidInput(_("Add at least one photo."), code="no_photos",
                           fields={"images": [_("Add at least one photo.")]})
    if len(uploads) > MAX_PRODUCT_IMAGES:
        raise _too_many()
    alt_texts = _alt_texts(alt_texts, len(uploads))
    if product.images.count() + len(uploads) > MAX_PRODUCT_IMAGES:
        raise _too_many()
    # All photos are decoded before anything is stored: one bad file refuses them all.
    processed = [pipeline.process_photo(images.read_upload(upload)) for upload in uploads]
    stored: list[str] = []
    try:
        files = [images.store_photo_variants(photo, stored) for photo in processed]
        with transaction.atomic():
            # The lock makes two uploads at once count and number the photos one after the other.
            Product.objects.select_for_update().get(pk=product.pk)
            if product.images.count() + len(uploads) > MAX_PRODUCT_IMAGES:
                raise _too_many()
            before = tag_state([product.pk])
            start = product.images.aggregate(last=Max("position"))["last"]
            start = 0 if start is None else start + 1
            added = ProductImage.objects.bulk_create([
                ProductImage(product=product, position=start + i, width=photo.width, height=photo.height,
                             blurhash=photo.blurhash, alt_text=alt_texts[i], files=files[i])
                for i, photo in enumerate(processed)
            ])
            changed_on_commit(before, [product.pk])
    except BaseException:
        for name in stored:
            images.delete_quietly(name)
        raise
    return added


def _image_of(product: Product, image_id) -> ProductImage:
    image = product.images.filter(pk=image_id).first() if isinstance(image_id, int) else None
    if image is None:
        raise NotFound(_("This product has no such photo."))
    return image


def product_image_delete(*, product: Product, editor: User, image_id: int) -> None:
    """Remove one photo; the ones after it move up, and its files go once the row is gone."""
    require_owner(product, editor)
    throttle.rate_limit(action="catalog", ident=editor.pk)
    with transaction.atomic():
        Product.objects.select_for_update().get(pk=product.pk)
        image = _image_of(product, image_id)
        before = tag_state([product.pk])
        names = image.storage_names()
        image.delete()
        later = product.images.filter(position__gt=image.position)
        # Two steps, as in reordering: moving each down by one would meet its neighbour's position.
        later.update(position=F("position") + REORDER_OFFSET)
        product.images.filter(position__gt=REORDER_OFFSET).update(position=F("position") - REORDER_OFFSET - 1)
        changed_on_commit(before, [product.pk])
        for name in names:
            transaction.on_commit(partial(images.delete_quietly, name))


def product_images_reorder(*, product: Product, editor: User, image_ids: list) -> None:
    """Put the product's photos in the order of `image_ids`, which names each of them once."""
    require_owner(product, editor)
    throttle.rate_limit(action="catalog", ident=editor.pk)
    with transaction.atomic():
        Product.objects.select_for_update().get(pk=product.pk)
        current = list(product.images.values_list("pk", flat=True))
        if not isinstance(image_ids, list) or sorted(current) != sorted(i for i in image_ids if isinstance(i, int)) \
                or len(image_ids) != len(current):
            message = _("Give every photo of the product once, in the new order.")
            raise InvalidInput(message, code="invalid_order", fields={"image_ids": [message]})
        before = tag_state([product.pk])
        product.images.update(position=F("position") + REORDER_OFFSET)
        for position, pk in enumerate(image_ids):
            ProductImage.objects.filter(pk=pk).update(position=position)
        changed_on_commit(before, [product.pk])
