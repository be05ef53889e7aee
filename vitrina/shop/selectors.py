"""Reads of the catalog that check who may see what (vitrina.social.visibility, through
Product.objects.visible_to)."""

from dataclasses import dataclass

from django.db.models import Min, Prefetch, Q
from django.utils.translation import gettext as _

from vitrina.accounts.models import User
from vitrina.core.errors import NotFound
from vitrina.core.pagination import InvalidCursor, Page, decode_cursor, paginate_desc
from vitrina.shop.models import Collection, DeliveryMethod, Product, ProductStatus, ProductVariant, Shop
from vitrina.social import visibility
from vitrina.social.models import Follow

# The Shop page: products of followed shops first, then others to discover; a page is twelve rows of two.
SHOP_PAGE = 24


def not_available() -> NotFound:
    return NotFound(_("This product is not available."))


def with_details(products):
    """Products with what a card or the product page shows, in a fixed number of queries."""
    return (products.select_related("shop", "shop__owner")
            .prefetch_related("images", Prefetch("variants", queryset=ProductVariant.objects.order_by("position", "id")))
            .annotate(low_price=Min("variants__price", filter=Q(variants__is_active=True))))


def product_get(*, viewer, product_id: int) -> Product:
    """An active product the viewer may see, or NotFound (also for drafts and archived products,
    except for the shop's owner, who sees all of theirs)."""
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    owned = with_details(Product.objects.filter(pk=product_id, shop__owner_id=viewer_id))
    product = (owned.first() if viewer_id else None) \
        or with_details(Product.objects.visible_to(viewer).filter(pk=product_id)).first()
    if product is None:
        raise not_available()
    return product


def product_for_owner(*, owner, product_id: int) -> Product:
    """One of the owner's products, for changing it; NotFound for anyone else's, seen or not."""
    owner_id = owner.pk if owner is not None and owner.is_authenticated else None
    product = with_details(Product.objects.filter(pk=product_id, shop__owner_id=owner_id)).first() \
        if owner_id else None
    if product is None:
        raise not_available()
    return product


def shop_get(*, owner: User) -> Shop | None:
    return Shop.objects.filter(owner=owner).first()


def products_of(*, viewer, owner: User, cursor=None, limit=None, collection: Collection | None = None) -> Page:
    """The Shop tab of a profile: the account's active products the viewer may see, newest first."""
    if not visibility.sees_content(viewer, owner):
        raise NotFound(_("This account does not exist."))
    products = Product.objects.visible_to(viewer).filter(shop__owner=owner)
    if collection is not None:
        products = products.filter(collections=collection)
    return paginate_desc(with_details(products), cursor=cursor, limit=limit)


def collections_of(*, owner: User) -> list[Collection]:
    """The shop's collections (their titles are shown with the shop, to whoever sees its products)."""
    return list(Collection.objects.filter(shop__owner=owner))


def collection_get(*, owner: User, collection_id: int) -> Collection:
    collection = Collection.objects.select_related("shop").filter(pk=collection_id, shop__owner=owner).first()
    if collection is None:
        raise NotFound(_("This collection does not exist."))
    return collection


def seller_products(*, owner: User, status: str | None = None, cursor=None, limit=None) -> Page:
    """Every product of the owner's shop, drafts and archived included, for "Your shop"."""
    products = Product.objects.filter(shop__owner=owner)
    if status in ProductStatus.values:
        products = products.filter(status=status)
    return paginate_desc(with_details(products), cursor=cursor, limit=limit)


def delivery_methods_of(*, shop: Shop) -> list[DeliveryMethod]:
    return list(shop.delivery_methods.order_by("id"))


def delivery_method_get(*, owner: User, method_id: int) -> DeliveryMethod:
    method = DeliveryMethod.objects.select_related("shop").filter(pk=method_id, shop__owner=owner).first()
    if method is None:
        raise NotFound(_("This delivery method does not exist."))
    return method


@dataclass
class ShopFront:
    """One page of the Shop tab of the bottom navigation: `followed` products, then `recommended` ones once the
    followed run out; `next_cursor` carries which of the two the next page continues."""

    followed: list[Product]
    recommended: list[Product]
    next_cursor: str | None
    # The recommended list starts on this page (it gets its heading here, not on the pages after).
    recommended_starts: bool = False


def _front_cursor(cursor: str | None) -> tuple[str, str | None]:
    """("f" or "r", the inner keyset cursor) from the Shop page's cursor; InvalidCursor for anything else."""
    if not cursor:
        return "f", None
    phase, inner = cursor[:1], cursor[1:]
    if phase not in ("f", "r") or not inner:
        raise InvalidCursor(_("This cursor is not valid."))
    decode_cursor(inner)
    return phase, inner


def shop_front(*, viewer, cursor: str | None = None, limit: int = SHOP_PAGE) -> ShopFront:
    """The Shop page: newest products of shops the viewer follows, then newest products of other shops.

    Both lists go through Product.objects.visible_to (vitrina.social.visibility): active products of
    active accounts with no block either way, private ones only for their followers. Recommended are
    simply the newest: best rated would favour the few shops with reviews, and newest keeps small shops
    in view. The viewer's own products are in neither list.
    """
    phase, inner = _front_cursor(cursor)
    visible = Product.objects.visible_to(viewer)
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    followed: list[Product] = []
    others = visible
    if viewer_id:
        following = Follow.objects.filter(follower_id=viewer_id).values("target_id")
        if phase == "f":
            page = paginate_desc(with_details(visible.filter(shop__owner__in=following)), cursor=inner, limit=limit)
            if page.next_cursor:
                return ShopFront(followed=page.items, recommended=[], next_cursor="f" + page.next_cursor)
            followed, inner = page.items, None
        others = visible.exclude(shop__owner__in=following).exclude(shop__owner_id=viewer_id)
    elif phase == "f":
        inner = None
    page = paginate_desc(with_details(others), cursor=inner, limit=limit)
    return ShopFront(followed=followed, recommended=page.items,
                     next_cursor="r" + page.next_cursor if page.next_cursor else None,
                     recommended_starts=phase == "f")


def has_shop_products(*, viewer, owner: User) -> bool:
    """Whether the profile shows a Shop tab: the account has active products the viewer may see."""
    return Product.objects.visible_to(viewer).filter(shop__owner=owner).exists()
