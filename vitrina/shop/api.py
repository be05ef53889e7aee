"""The catalog's API (shared/API.md, Shop): products, their photos, collections, the shop's settings."""

import json

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, UploadedFile
from ninja.responses import Status

from vitrina.accounts.auth import OPTIONAL, REQUIRED, viewer_of
from vitrina.core.errors import InvalidInput
from vitrina.core.pagination import PageParams
from vitrina.shop import collections, hits, photos, selectors, services, shop_settings
from vitrina.shop.schemas import (
    CollectionIn,
    CollectionList,
    CollectionOut,
    CollectionPatch,
    DeleteOut,
    DeliveryMethodIn,
    DeliveryMethodList,
    DeliveryMethodOut,
    DeliveryMethodPatch,
    ImageOrderIn,
    ProductIn,
    ProductList,
    ProductOut,
    ProductPatch,
    ShopSettingsOut,
    ShopSettingsPatch,
    product_data,
)
from vitrina.social.selectors import profile_get

router = Router(tags=["shop"])


def _product_out(request, product_id: int) -> dict:
    return product_data(selectors.product_get(viewer=request.auth, product_id=product_id), viewer=request.auth)


@router.post("/shop/products", response={201: ProductOut}, auth=REQUIRED)
def product_create(request, payload: ProductIn):
    product = services.product_create(owner=request.auth, **payload.dict())
    return Status(201, _product_out(request, product.pk))


@router.get("/shop/products/{int:product_id}", response=ProductOut, auth=OPTIONAL)
def product_get(request, product_id: int, via: str = ""):
    """A product the reader may see (its owner also sees drafts and archived ones); `via=tag` when the
    reader tapped a product tag on a photo (counted in the shop's funnel)."""
    viewer = viewer_of(request)
    product = selectors.product_get(viewer=viewer, product_id=product_id)
    hits.product_opened(viewer, product, via=via)
    return product_data(product, viewer=viewer)


@router.patch("/shop/products/{int:product_id}", response=ProductOut, auth=REQUIRED)
def product_update(request, product_id: int, payload: ProductPatch):
    product = selectors.product_for_owner(owner=request.auth, product_id=product_id)
    services.product_update(product=product, editor=request.auth, **payload.dict(exclude_unset=True))
    return _product_out(request, product_id)


@router.delete("/shop/products/{int:product_id}", response=DeleteOut, auth=REQUIRED)
def product_delete(request, product_id: int):
    product = selectors.product_for_owner(owner=request.auth, product_id=product_id)
    return {"result": services.product_delete(product=product, actor=request.auth)}


def _alt_texts(raw: str | None) -> list | None:
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, list):
        message = _("Send alt texts as a JSON list of strings.")
        raise InvalidInput(message, fields={"alt_texts": [message]})
    return value


@router.post("/shop/products/{int:product_id}/images", response={201: ProductOut}, auth=REQUIRED)
def product_images_add(
    request, product_id: int, image: UploadedFile = File(None), images: list[UploadedFile] = File(None),
    alt_texts: str = Form(""),
):
    """Multipart: one photo as `image`, or several as `images` (at most 10 per product in all)."""
    product = selectors.product_for_owner(owner=request.auth, product_id=product_id)
    uploads = ([image] if image else []) + list(images or [])
    photos.product_images_add(product=product, editor=request.auth, uploads=uploads, alt_texts=_alt_texts(alt_texts))
    return Status(201, _product_out(request, product_id))


@router.put("/shop/products/{int:product_id}/images", response=ProductOut, auth=REQUIRED)
def product_images_reorder(request, product_id: int, payload: ImageOrderIn):
    product = selectors.product_for_owner(owner=request.auth, product_id=product_id)
    photos.product_images_reorder(product=product, editor=request.auth, image_ids=payload.image_ids)
    return _product_out(request, product_id)


@router.delete("/shop/products/{int:product_id}/images/{int:image_id}", response={204: None}, auth=REQUIRED)
def product_image_delete(request, product_id: int, image_id: int):
    product = selectors.product_for_owner(owner=request.auth, product_id=product_id)
    photos.product_image_delete(product=product, editor=request.auth, image_id=image_id)
    return Status(204, None)


@router.get("/accounts/{username}/products", response=ProductList, auth=OPTIONAL)
def account_products(request, username: str, params: Query[PageParams], collection: int | None = None):
    """The Shop tab: the account's active products the viewer may see, newest first."""
    viewer = viewer_of(request)
    owner = profile_get(viewer=viewer, username=username)
    chosen = selectors.collection_get(owner=owner, collection_id=collection) if collection is not None else None
    page = selectors.products_of(viewer=viewer, owner=owner, collection=chosen, **params.dict())
    return {"items": [product_data(p, viewer=viewer) for p in page.items], "next_cursor": page.next_cursor}


@router.get("/shop/collections", response=CollectionList, auth=REQUIRED)
def collection_list(request):
    collections.shop_of(request.auth)
    return {"items": selectors.collections_of(owner=request.auth), "next_cursor": None}


@router.post("/shop/collections", response={201: CollectionOut}, auth=REQUIRED)
def collection_create(request, payload: CollectionIn):
    return Status(201, collections.collection_create(owner=request.auth, **payload.dict()))


@router.patch("/shop/collections/{int:collection_id}", response=CollectionOut, auth=REQUIRED)
def collection_update(request, collection_id: int, payload: CollectionPatch):
    collection = selectors.collection_get(owner=request.auth, collection_id=collection_id)
    return collections.collection_update(collection=collection, editor=request.auth, **payload.dict(exclude_unset=True))


@router.delete("/shop/collections/{int:collection_id}", response={204: None}, auth=REQUIRED)
def collection_delete(request, collection_id: int):
    collection = selectors.collection_get(owner=request.auth, collection_id=collection_id)
    collections.collection_delete(collection=collection, actor=request.auth)
    return Status(204, None)


@router.get("/shop/settings", response=ShopSettingsOut, auth=REQUIRED)
def settings_get(request):
    return collections.shop_of(request.auth)


@router.patch("/shop/settings", response=ShopSettingsOut, auth=REQUIRED)
def settings_update(request, payload: ShopSettingsPatch):
    return shop_settings.shop_settings_update(owner=request.auth, **payload.dict(exclude_unset=True))


@router.get("/shop/delivery-methods", response=DeliveryMethodList, auth=REQUIRED)
def delivery_methods(request):
    shop = collections.shop_of(request.auth)
    return {"items": selectors.delivery_methods_of(shop=shop), "next_cursor": None}


@router.post("/shop/delivery-methods", response={201: DeliveryMethodOut}, auth=REQUIRED)
def delivery_method_create(request, payload: DeliveryMethodIn):
    return Status(201, shop_settings.delivery_method_create(owner=request.auth, **payload.dict()))


@router.patch("/shop/delivery-methods/{int:method_id}", response=DeliveryMethodOut, auth=REQUIRED)
def delivery_method_update(request, method_id: int, payload: DeliveryMethodPatch):
    method = selectors.delivery_method_get(owner=request.auth, method_id=method_id)
    return shop_settings.delivery_method_update(method=method, editor=request.auth,
                                                **payload.dict(exclude_unset=True))
