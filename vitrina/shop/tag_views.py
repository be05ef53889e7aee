"""The "Tag products" page of a post's author: pick a product of their shop and a point on a photo
(a tap on the photo with JavaScript, two number fields without), and remove tags."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.core.errors import InvalidInput, NotFound, ServiceError
from vitrina.core.http import add_retry_after
from vitrina.core.views import not_found_as_404
from vitrina.posts.selectors import post_for_owner
from vitrina.shop import tags
from vitrina.shop.models import MAX_TAGS_PER_PHOTO, Product, ProductStatus, ProductTag, Shop

# Products offered in the page's list, newest first: a shop with more finds older ones by their title.
PICKER_LIMIT = 300


def _percent(raw: str, *, field: str) -> float:
    """A point typed as a percentage of the photo's width or height, as the fraction the service takes."""
    try:
        value = float((raw or "").strip().replace(",", "."))
    except ValueError:
        message = _("Give a number from 0 to 100.")
        raise InvalidInput(message, code="invalid_point", fields={field: [message]}) from None
    if not 0 <= value <= 100:  # NaN fails this too
        message = _("Give a number from 0 to 100.")
        raise InvalidInput(message, code="invalid_point", fields={field: [message]})
    return value / 100


def _id(raw: str) -> int | None:
    return int(raw) if (raw or "").isascii() and (raw or "").isdigit() and len(raw) < 19 else None


def _context(request, post, **extra) -> dict:
    shop = Shop.objects.filter(owner=request.user).first()
    products = list(Product.objects.filter(shop=shop, status=ProductStatus.ACTIVE).order_by("-pk")
                    .only("pk", "title")[:PICKER_LIMIT]) if shop else []
    media = list(post.media.order_by("position"))
    positions = {m.pk: i for i, m in enumerate(media, start=1)}
    post_tags = list(ProductTag.objects.filter(post=post).select_related("product").order_by("media__position", "pk"))
    for tag in post_tags:
        tag.photo_number = positions.get(tag.media_id)
        tag.place = f"tag-x-{round(tag.x * 100)} tag-y-{round(tag.y * 100)}"
    by_media = {m.pk: [t for t in post_tags if t.media_id == m.pk] for m in media}
    photos = [{"media": m, "number": positions[m.pk], "tags": by_media[m.pk]} for m in media]
    chosen = request.POST if request.method == "POST" else {}
    return {"post": post, "shop": shop, "products": products, "photos": photos, "post_tags": post_tags,
            "max_tags": MAX_TAGS_PER_PHOTO, "chosen": chosen,
            "chosen_media": _id(chosen.get("media", "")) or (media[0].pk if media else None), **extra}


@login_required
@not_found_as_404
def post_tags(request, post_id: int):
    post = post_for_owner(owner=request.user, post_id=post_id)
    if request.method != "POST":
        return render(request, "shop/post_tags.html", _context(request, post))
    try:
        fields = {"media_id": _id(request.POST.get("media", "")), "product_id": _id(request.POST.get("product", "")),
                  "x": _percent(request.POST.get("x", ""), field="x"), "y": _percent(request.POST.get("y", ""), field="y")}
        if fields["product_id"] is None:
            message = _("Choose a product.")
            raise InvalidInput(message, code="required", fields={"product": [message]})
        tags.product_tag_add(actor=request.user, post=post, **fields)
    except NotFound:
        raise
    except ServiceError as exc:
        context = _context(request, post, error=exc.message, errors=exc.fields)
        return add_retry_after(render(request, "shop/post_tags.html", context, status=exc.status), exc)
    messages.success(request, _("Product tagged."))
    return redirect("shop:post_tags", post_id=post.pk)


@login_required
@require_POST
@not_found_as_404
def post_tag_delete(request, post_id: int, tag_id: int):
    post = post_for_owner(owner=request.user, post_id=post_id)
    tags.product_tag_remove(actor=request.user, post=post, tag_id=tag_id)
    messages.success(request, _("Tag removed."))
    return redirect("shop:post_tags", post_id=post.pk)
