"""Reads of the catalog that check who may see what (vitrina.social.visibility, through
Product.objects.visible_to)."""

from django.db.models import Min, Prefetch, Q
from django.utils.translation import gettext as _

from vitrina.accounts.models import User
from vitrina.core.errors import NotFound
from vitrina.core.pagination import Page, paginate_desc
from vitrina.shop.models import Collection, DeliveryMethod, Product, ProductStatus, ProductVariant, Shop
from vitrina.social import visibility
from vitrina.social.models import Follow

# The Shop page: products of followed shops first, then others to discover.
SHOP_PAGE_FOLLOWED = 24
SHOP_PAGE_RECOMMENDED = 24


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


def shop_front(*, viewer) -> tuple[list[Product], list[Product]]:
    """The Shop page: (newest products of shops the viewer follows, other products to discover).

    Recommended: the newest active products of other shops the viewer may see; best rated
    would favour the few shops with reviews, and newest keeps small shops in view.
    """
    visible = Product.objects.visible_to(viewer)
    followed: list[Product] = []
    others = visible
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    if viewer_id:
        following = Follow.objects.filter(follower_id=viewer_id).values("target_id")
        followed = list(with_details(visible.filter(shop__owner__in=following)).order_by("-id")[:SHOP_PAGE_FOLLOWED])
        others = visible.exclude(shop__owner__in=following).exclude(shop__owner_id=viewer_id)
    recommended = list(with_details(others).order_by("-id")[:SHOP_PAGE_RECOMMENDED])
    return followed, recommended
