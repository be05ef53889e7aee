""""Your shop": the seller's pages for products, photos and collections.

Every write goes through the catalog's services (services.py, photos.py, collections.py); a refused
write shows the service's message next to the field it names and changes nothing. Products and
collections are found through the owner-only selectors, so another seller's id is a 404.
"""

import re
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitrina.core.errors import NotFound, ServiceError
from vitrina.core.forms import add_service_error
from vitrina.core.pagination import InvalidCursor
from vitrina.core.views import not_found_as_404
from vitrina.shop import collections, photos, selectors, services
from vitrina.shop.forms import (
    NEW_ROWS,
    CollectionForm,
    ProductForm,
    VariantRow,
    blank_rows,
    variant_rows_from_post,
    variant_rows_of,
)
from vitrina.shop.models import ProductStatus

MANAGE_PAGE = 50
# A service names a variant's field as variants.<index>.<field> (services.clean_variants, _variant_edits).
VARIANT_FIELD = re.compile(r"^variants\.(\d+)\.\w+$")


def seller_only(view):
    """Logged in, a business account: anyone else gets the 404 a missing page gets."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_business:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(not_found_as_404(wrapped))


def _place_errors(form, rows: list[VariantRow], sent: list[VariantRow], error: ServiceError) -> None:
    """A service error next to what it names: a variant row's field, a form field, else on top."""
    rest = {}
    for name, texts in error.fields.items():
        match = VARIANT_FIELD.match(name)
        if match and int(match.group(1)) < len(sent):
            sent[int(match.group(1))].errors.extend(str(text) for text in texts)
        else:
            rest[name] = texts
    if rest or not error.fields:
        add_service_error(form, ServiceError(error.message, fields=rest))
    elif not form.errors and not any(row.errors for row in rows):
        form.add_error(None, str(error.message))


def _more_rows(request) -> bool:
    """The form's "Add a row" button: the same form again with one more blank variant row, nothing saved."""
    return "add_row" in request.POST


@seller_only
def manage(request):
    """Your shop: every product with its status, newest first."""
    status = request.GET.get("status", "")
    try:
        page = selectors.seller_products(owner=request.user, status=status or None, cursor=request.GET.get("cursor"),
                                         limit=MANAGE_PAGE)
    except InvalidCursor:
        return redirect(request.path)
    return render(request, "shop/manage/products.html", {
        "shop": selectors.shop_get(owner=request.user), "page": page, "status": status,
        "statuses": ProductStatus.choices})


@seller_only
def product_new(request):
    """A new product with its variant rows; the first product opens the shop in the chosen currency."""
    shop = selectors.shop_get(owner=request.user)
    if request.method != "POST":
        form = ProductForm(shop_open=shop is not None)
        return _render_new(request, form, blank_rows([], NEW_ROWS))
    rows = variant_rows_from_post(request.POST)
    if _more_rows(request):
        form = ProductForm(initial=request.POST.dict(), shop_open=shop is not None)
        return _render_new(request, form, blank_rows(rows, 1))
    form = ProductForm(request.POST, shop_open=shop is not None)
    if form.is_valid():
        sent = [row for row in rows if not row.is_blank]
        data = form.cleaned_data
        try:
            product = services.product_create(
                owner=request.user, title=data["title"], description=data["description"], category=data["category"],
                status=data["status"], currency=data.get("currency") or (shop.currency if shop else ""),
                variants=[row.as_item() for row in sent])
        except NotFound:
            raise
        except ServiceError as error:
            _place_errors(form, rows, sent, error)
        else:
            messages.success(request, _("Product saved. Add its photos."))
            return redirect("shop:manage_product", product.pk)
    return _render_new(request, form, rows or blank_rows([], NEW_ROWS), status=422)


def _render_new(request, form, rows, *, status=200):
    return render(request, "shop/manage/product_new.html", {"form": form, "rows": rows}, status=status)


def _render_edit(request, product, *, form=None, rows=None, photo_error="", status=200):
    if form is None:
        form = ProductForm(initial={"title": product.title, "description": product.description,
                                    "category": product.category, "status": product.status})
    if rows is None:
        rows = blank_rows(variant_rows_of(product), 1)
    return render(request, "shop/manage/product_edit.html", {
        "product": product, "form": form, "rows": rows, "photo_error": photo_error}, status=status)


@seller_only
def product_edit(request, product_id: int):
    """Edit a product and its variants (existing rows carry their id; a filled blank row adds a variant)."""
    product = selectors.product_for_owner(owner=request.user, product_id=product_id)
    if request.method != "POST":
        return _render_edit(request, product)
    rows = variant_rows_from_post(request.POST)
    if _more_rows(request):
        return _render_edit(request, product, form=ProductForm(initial=request.POST.dict()), rows=blank_rows(rows, 1))
    form = ProductForm(request.POST)
    if form.is_valid():
        sent = [row for row in rows if not row.is_blank]
        data = form.cleaned_data
        try:
            services.product_update(product=product, editor=request.user, title=data["title"],
                                    description=data["description"], category=data["category"],
                                    status=data["status"], variants=[row.as_item() for row in sent])
        except NotFound:
            raise
        except ServiceError as error:
            _place_errors(form, rows, sent, error)
        else:
            messages.success(request, _("Product saved."))
            return redirect("shop:manage_product", product.pk)
    return _render_edit(request, product, form=form, rows=rows, status=422)


STATUS_ACTIONS = {"archive": ProductStatus.ARCHIVED, "activate": ProductStatus.ACTIVE, "draft": ProductStatus.DRAFT}


@seller_only
@require_POST
def product_status(request, product_id: int):
    """Archive, activate or move back to draft, from the product list or the edit page."""
    product = selectors.product_for_owner(owner=request.user, product_id=product_id)
    status = STATUS_ACTIONS.get(request.POST.get("action", ""))
    if status is None:
        raise Http404
    try:
        services.product_update(product=product, editor=request.user, status=status)
    except NotFound:
        raise
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, {
            ProductStatus.ARCHIVED: _("Product archived: buyers no longer see it."),
            ProductStatus.ACTIVE: _("Product on sale."),
            ProductStatus.DRAFT: _("Product moved to drafts."),
        }[status])
    return redirect("shop:manage_product", product.pk)


@seller_only
@require_POST
def product_delete(request, product_id: int):
    product = selectors.product_for_owner(owner=request.user, product_id=product_id)
    try:
        outcome = services.product_delete(product=product, actor=request.user)
    except NotFound:
        raise
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect("shop:manage_product", product.pk)
    if outcome == "archived":
        messages.success(request, _("Orders name this product, so it was archived instead of deleted."))
        return redirect("shop:manage_product", product.pk)
    messages.success(request, _("Product deleted."))
    return redirect("shop:manage")


@seller_only
@require_POST
def photos_add(request, product_id: int):
    product = selectors.product_for_owner(owner=request.user, product_id=product_id)
    try:
        photos.product_images_add(product=product, editor=request.user, uploads=request.FILES.getlist("images"))
    except NotFound:
        raise
    except ServiceError as error:
        product = selectors.product_for_owner(owner=request.user, product_id=product_id)
        return _render_edit(request, product, photo_error=str(error.message), status=error.status)
    messages.success(request, _("Photos added."))
    return redirect("shop:manage_product", product.pk)


@seller_only
@require_POST
def photo_action(request, product_id: int, image_id: int):
    """Remove a photo, or move it one place earlier or later (the order is sent whole to the service)."""
    product = selectors.product_for_owner(owner=request.user, product_id=product_id)
    action = request.POST.get("action", "")
    ids = [image.pk for image in product.images.all()]
    if image_id not in ids or action not in ("delete", "up", "down"):
        raise Http404
    try:
        if action == "delete":
            photos.product_image_delete(product=product, editor=request.user, image_id=image_id)
        else:
            at = ids.index(image_id)
            to = at - 1 if action == "up" else at + 1
            if 0 <= to < len(ids):
                ids[at], ids[to] = ids[to], ids[at]
                photos.product_images_reorder(product=product, editor=request.user, image_ids=ids)
    except NotFound:
        raise
    except ServiceError as error:
        messages.error(request, str(error.message))
    return redirect("shop:manage_product", product.pk)


# --- Collections ---------------------------------------------------------------------------------

def _shop_products(owner):
    return list(selectors.seller_products(owner=owner, limit=100).items)


@seller_only
def collection_list(request):
    """The shop's collections and a form for a new one."""
    shop = selectors.shop_get(owner=request.user)
    products = _shop_products(request.user) if shop else []
    form = CollectionForm(request.POST or None, products=products)
    if request.method == "POST" and form.is_valid():
        try:
            collections.collection_create(owner=request.user, title=form.cleaned_data["title"],
                                          product_ids=[int(i) for i in form.cleaned_data["product_ids"]])
        except NotFound as error:
            form.add_error(None, str(error.message))
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Collection saved."))
            return redirect("shop:manage_collections")
    return render(request, "shop/manage/collections.html", {
        "shop": shop, "items": selectors.collections_of(owner=request.user), "form": form},
        status=422 if form.errors else 200)


@seller_only
def collection_edit(request, collection_id: int):
    collection = selectors.collection_get(owner=request.user, collection_id=collection_id)
    products = _shop_products(request.user)
    chosen = collection.products.values_list("pk", flat=True)
    initial = {"title": collection.title, "product_ids": [str(pk) for pk in chosen]}
    form = CollectionForm(request.POST or None, initial=initial, products=products)
    if request.method == "POST" and "delete" in request.POST:
        collections.collection_delete(collection=collection, actor=request.user)
        messages.success(request, _("Collection deleted."))
        return redirect("shop:manage_collections")
    if request.method == "POST" and form.is_valid():
        try:
            collections.collection_update(collection=collection, editor=request.user, title=form.cleaned_data["title"],
                                          product_ids=[int(i) for i in form.cleaned_data["product_ids"]])
        except NotFound:
            raise
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Collection saved."))
            return redirect("shop:manage_collections")
    return render(request, "shop/manage/collection_edit.html", {"collection": collection, "form": form},
                  status=422 if form.errors else 200)
