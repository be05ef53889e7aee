"""Collections: named groups of a shop's products, shown as chips on the Shop tab."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from vitrina.accounts.models import User
from vitrina.core import throttle
from vitrina.core.errors import Forbidden, InvalidInput, NotFound
from vitrina.core.text import clean_text
from vitrina.shop.models import Collection, Shop

COLLECTION_TITLE_MAX = 80
MAX_COLLECTIONS = 50


def shop_of(owner: User) -> Shop:
    """The owner's shop; a business without one is told how it opens."""
    if not owner.is_business:
        raise Forbidden(_("Only business accounts can sell."), code="not_business")
    shop = Shop.objects.filter(owner=owner).first()
    if shop is None:
        raise NotFound(_("You have no shop yet: add your first product to open it."), code="no_shop")
    return shop


def _title(value) -> str:
    title = clean_text(value if isinstance(value, str) else "", multiline=False)
    if not title:
        raise InvalidInput(_("Give the collection a name."), code="required", fields={"title": [_("Give the collection a name.")]})
    if len(title) > COLLECTION_TITLE_MAX:
        message = _("At most %(max)s characters.") % {"max": COLLECTION_TITLE_MAX}
        raise InvalidInput(message, fields={"title": [message]})
    return title


def _duplicate() -> InvalidInput:
    message = _("Your shop already has a collection with this name.")
    return InvalidInput(message, code="duplicate_collection", fields={"title": [message]})


def _products_of_shop(shop: Shop, product_ids) -> list[int]:
    if not isinstance(product_ids, list) or not all(isinstance(i, int) and not isinstance(i, bool)
                                                    for i in product_ids):
        raise InvalidInput(_("Give a list of product ids."), fields={"product_ids": [_("Give a list of product ids.")]})
    ids = set(shop.products.filter(pk__in=product_ids).values_list("pk", flat=True))
    if len(ids) != len(set(product_ids)):
        message = _("Choose products of your own shop.")
        raise InvalidInput(message, code="unknown_product", fields={"product_ids": [message]})
    return sorted(ids)


def collection_create(*, owner: User, title: str, product_ids: list | None = None) -> Collection:
    shop = shop_of(owner)
    throttle.rate_limit(action="catalog", ident=owner.pk)
    title = _title(title)
    ids = _products_of_shop(shop, product_ids) if product_ids is not None else []
    if shop.collections.count() >= MAX_COLLECTIONS:
        message = _("A shop can have at most %(max)s collections.") % {"max": MAX_COLLECTIONS}
        raise InvalidInput(message, code="too_many_collections", fields={"title": [message]})
    try:
        with transaction.atomic():
            last = shop.collections.aggregate(last=Max("position"))["last"]
            collection = Collection.objects.create(shop=shop, title=title, position=0 if last is None else last + 1)
            collection.products.set(ids)
    except IntegrityError:
        raise _duplicate() from None
    return collection


def _require_owner(collection: Collection, user: User) -> None:
    if collection.shop.owner_id != user.pk:
        raise Forbidden(_("Only the shop's owner can change this collection."))


def collection_update(*, collection: Collection, editor: User, title: str | None = None,
                      product_ids: list | None = None, add: list | None = None, remove: list | None = None
                      ) -> Collection:
    """Rename; set the products (`product_ids`) or add and remove some."""
    _require_owner(collection, editor)
    throttle.rate_limit(action="catalog", ident=editor.pk)
    shop = collection.shop
    checked = {name: _products_of_shop(shop, value) for name, value in
               (("product_ids", product_ids), ("add", add), ("remove", remove)) if value is not None}
    try:
        with transaction.atomic():
            if title is not None:
                collection.title = _title(title)
                collection.save(update_fields=["title"])
            if "product_ids" in checked:
                collection.products.set(checked["product_ids"])
            if checked.get("add"):
                collection.products.add(*checked["add"])
            if checked.get("remove"):
                collection.products.remove(*checked["remove"])
    except IntegrityError:
        raise _duplicate() from None
    return collection


def collection_delete(*, collection: Collection, actor: User) -> None:
    """The collection goes; its products stay."""
    _require_owner(collection, actor)
    throttle.rate_limit(action="catalog", ident=actor.pk)
    collection.delete()
