"""Pages of the catalog for buyers: the product page and a profile's Shop tab.

The seller's own pages ("Your shop") are in manage_views.py.
"""

from django.http import Http404
from django.shortcuts import redirect, render

from vitrina.core.htmx import render_htmx
from vitrina.core.pagination import InvalidCursor
from vitrina.core.views import not_found_as_404
from vitrina.shop import hits, selectors, tags
from vitrina.social import selectors as social_selectors
from vitrina.social import visibility

# Products on a page of the Shop tab: twelve rows of two.
SHOP_TAB_PAGE = 24


@not_found_as_404
def product(request, product_id: int):
    """An active product the reader may see; its owner also sees drafts and archived ones (the selector
    decides: NotFound, hence 404, for everyone else)."""
    item = selectors.product_get(viewer=request.user, product_id=product_id)
    is_owner = request.user.is_authenticated and item.shop.owner_id == request.user.pk
    hits.product_opened(request.user, item, via=request.GET.get("via", ""))
    return render(request, "shop/product.html", {
        "product": item,
        "seller": item.shop.owner,
        "is_owner": is_owner,
        "featured_posts": tags.posts_featuring(viewer=request.user, product=item),
    })


@not_found_as_404
def profile_shop(request, username: str):
    """A business profile's Shop tab: its products (newest first) and collection chips that filter them."""
    target = social_selectors.profile_get(viewer=request.user, username=username)
    shop = selectors.shop_get(owner=target)
    if shop is None:
        raise Http404
    rel = visibility.relationship(request.user, target)
    can_see = visibility.sees_content(request.user, target, rel)
    page, collections, chosen = None, [], None
    if can_see:
        collection_id = request.GET.get("collection", "")
        if collection_id:
            if not collection_id.isascii() or not collection_id.isdigit() or len(collection_id) > 18:
                raise Http404
            chosen = selectors.collection_get(owner=target, collection_id=int(collection_id))
        try:
            page = selectors.products_of(viewer=request.user, owner=target, cursor=request.GET.get("cursor"),
                                         limit=SHOP_TAB_PAGE, collection=chosen)
        except InvalidCursor:
            return redirect(request.path)
        collections = selectors.collections_of(owner=target)
    context = {"profile": target, "rel": rel, "can_see": can_see, "page": page, "collections": collections,
               "chosen": chosen, "tab": "shop"}
    return render_htmx(request, "shop/profile_shop.html", "shop/_product_grid_items.html", context)
