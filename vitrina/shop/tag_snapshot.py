"""The snapshot of a post's product tags that its card carries (Post.product_tags).

The card cache is keyed by Post.updated_at (vitrina.posts.cards._key), so every rewrite of a
snapshot bumps updated_at in the same UPDATE: the next read of any surface (GET /posts/{id},
the feed, the pages) builds the card again. Only tags of ACTIVE products are in a snapshot;
the ProductTag rows stay, so a product put back on sale shows on its photos again.

A rewrite reads a whole set of posts in three queries (the locked rows, their tags with their
products, the products' variants) and writes the changed ones in one UPDATE per batch.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from vitrina.posts.models import Post
from vitrina.shop import money
from vitrina.shop.models import ProductStatus, ProductTag, ProductVariant

# Rows per UPDATE: each is one CASE branch per field, and SQLite allows 32,766 parameters.
BATCH = 500


def _product_path() -> str:
    """The product page's path with "{}" for the id: one reverse() per rewrite, not per tag."""
    marker = 9876543210
    return reverse("shop:product", args=[marker]).replace(str(marker), "{}")


def _offers(product_ids: set[int]) -> dict[int, tuple]:
    """(lowest price, in stock) by product: the lowest price among the active variants (among all of
    them when none is active: the product then shows as sold out), in stock when an active variant is."""
    rows = (ProductVariant.objects.filter(product_id__in=product_ids).values("product_id")
            .annotate(active_min=Min("price", filter=Q(is_active=True)), any_min=Min("price"),
                      in_stock=Count("pk", filter=Q(is_active=True, stock__gt=0)))
            .values_list("product_id", "active_min", "any_min", "in_stock"))
    return {pk: (active_min if active_min is not None else any_min, in_stock > 0)
            for pk, active_min, any_min, in_stock in rows}


def snapshots_of(post_ids) -> dict[int, list[dict]]:
    """The snapshot of each of these posts that has shown tags, by post id: tags in photo order,
    then in the order they were added. A product without variants has no price and is left out."""
    rows = list(ProductTag.objects.filter(post_id__in=post_ids, product__status=ProductStatus.ACTIVE)
                .order_by("post_id", "media__position", "pk")
                .values_list("pk", "post_id", "media_id", "x", "y", "product_id", "product__title",
                             "product__shop__currency"))
    offers = _offers({row[5] for row in rows})
    path = _product_path()
    snapshots = defaultdict(list)
    for pk, post_id, media_id, x, y, product_id, title, currency in rows:
        if product_id not in offers:
            continue
        price, in_stock = offers[product_id]
        snapshots[post_id].append({
            "id": pk, "media_id": media_id, "x": x, "y": y,
            "product": {"id": product_id, "title": title, "price": money.as_text(price, currency),
                        "currency": currency, "in_stock": in_stock, "url": path.format(product_id)},
        })
    return dict(snapshots)


def posts_rewrite(post_ids) -> list[int]:
    """Rewrite the snapshots of these posts from their tags; bump updated_at (the card version) of
    those whose snapshot changed. Returns their ids.

    The post rows are locked first, in id order (PostgreSQL; SQLite's writers queue at BEGIN): a
    tag added or removed meanwhile waits and then rewrites with its own change, so no rewrite
    ever writes a snapshot read before another's commit. Safe inside a caller's transaction.
    """
    post_ids = sorted({int(pk) for pk in post_ids})
    if not post_ids:
        return []
    with transaction.atomic():
        current = dict(Post.objects.select_for_update().filter(pk__in=post_ids).order_by("pk")
                       .values_list("pk", "product_tags"))
        snapshots = snapshots_of(list(current))
        now = timezone.now()
        changed = [Post(pk=pk, product_tags=snapshots.get(pk, []), updated_at=now)
                   for pk, old in current.items() if (old or []) != snapshots.get(pk, [])]
        if changed:
            Post.objects.bulk_update(changed, ["product_tags", "updated_at"], batch_size=BATCH)
    return [post.pk for post in changed]


def tagged_post_ids(product_ids) -> list[int]:
    """Posts tagging any of these products."""
    return list(ProductTag.objects.filter(product_id__in=list(product_ids)).order_by()
                .values_list("post_id", flat=True).distinct())


def products_changed(product_ids) -> list[int]:
    """Rewrite the snapshots of the posts tagging these products; returns the posts changed."""
    return posts_rewrite(tagged_post_ids(product_ids))
