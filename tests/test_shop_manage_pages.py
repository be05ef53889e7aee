"""'Your shop': the seller's pages create, edit, archive and delete products, their photos and collections
through the catalog's services; bad input shows next to its field and changes nothing."""

import re

import pytest
from django.urls import reverse

from tests.posts_helpers import photo
from vitrina.shop import services
from vitrina.shop.models import Collection, Product, ProductImage, ProductStatus, ProductVariant, Shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(make_user):
    return make_user("maker", account_type="business")


def make_product(owner, title="Linen shirt", *, currency="RUB", sku="SKU-1", price="1500", stock=10, **kwargs):
    return services.product_create(owner=owner, title=title, currency=currency,
                                   variants=[{"name": "M", "sku": sku, "price": price, "stock": stock}], **kwargs)


def product_post(rows, *, title="Linen shirt", status="active", **extra):
    data = {"title": title, "description": "Soft linen.", "category": "Shirts", "status": status,
            "rows": str(len(rows)), **extra}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"variant-{i}-{key}"] = value
    return data


def snapshot():
    return (list(Product.objects.values_list("id", "title", "status", "description")),
            list(ProductVariant.objects.values_list("id", "sku", "price", "stock", "is_active")),
            list(Shop.objects.values_list("id", "currency")))


# --- Access ---------------------------------------------------------------------------------------------

def test_manage_pages_are_for_business_accounts(page_client, make_user, seller):
    assert page_client().get(reverse("shop:manage")).status_code == 302
    assert page_client(make_user("person")).get(reverse("shop:manage")).status_code == 404
    assert page_client(make_user("person2")).get(reverse("shop:manage_product_new")).status_code == 404
    response = page_client(seller).get(reverse("shop:manage"))
    assert response.status_code == 200 and 'data-testid="no-products"' in response.content.decode()


def test_settings_links_your_shop_for_business_accounts_only(page_client, make_user, seller):
    assert 'data-testid="settings-shop"' in page_client(seller).get(reverse("accounts:settings")).content.decode()
    person = make_user("person")
    assert 'data-testid="settings-shop"' not in page_client(person).get(reverse("accounts:settings")).content.decode()


@pytest.mark.parametrize("lang", ["en", "ru", "bn"])
def test_product_list_shows_every_product_with_its_status(page_client, seller, lang):
    make_product(seller, "On sale", sku="A")
    make_product(seller, "Drafted", sku="B", status=ProductStatus.DRAFT)
    response = page_client(seller).get(reverse("shop:manage"), headers={"Accept-Language": lang})
    html = response.content.decode()
    assert response.status_code == 200 and html.count('data-testid="manage-product"') == 2
    assert "Drafted" in html and "On sale" in html
    drafts = page_client(seller).get(reverse("shop:manage"), {"status": "draft"}).content.decode()
    assert drafts.count('data-testid="manage-product"') == 1 and "Drafted" in drafts


# --- Create ---------------------------------------------------------------------------------------------

def test_first_product_opens_the_shop_in_the_chosen_currency_with_several_variants(page_client, seller):
    client = page_client(seller)
    html = client.get(reverse("shop:manage_product_new")).content.decode()
    assert 'name="currency"' in html  # the shop is not open yet
    response = client.post(reverse("shop:manage_product_new"), product_post([
        {"name": "S", "sku": "S-1", "price": "1200.50", "stock": "3"},
        {"name": "", "sku": "", "price": "", "stock": ""},  # a blank row is skipped
        {"name": "M", "sku": "M-1", "price": "1500", "stock": "0"},
    ], currency="rub"))
    product = Product.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("shop:manage_product", args=[product.pk])
    assert product.shop.currency == "RUB" and product.category == "Shirts"
    assert [(v.sku, str(v.price), v.stock) for v in product.variants.all()] == [("S-1", "1200.500", 3),
                                                                                 ("M-1", "1500.000", 0)]
    # The shop is open: its currency is no longer asked.
    assert 'name="currency"' not in client.get(reverse("shop:manage_product_new")).content.decode()


def test_add_a_row_keeps_what_was_typed_and_saves_nothing(page_client, seller):
    response = page_client(seller).post(reverse("shop:manage_product_new"), product_post(
        [{"name": "S", "sku": "S-1", "price": "10", "stock": "1"}], currency="RUB", add_row="1"))
    html = response.content.decode()
    assert response.status_code == 200 and html.count('data-testid="variant-row"') == 2
    assert 'value="S-1"' in html and 'value="Linen shirt"' in html
    assert not Product.objects.exists()


@pytest.mark.parametrize(("row", "message"), [
    ({"name": "M", "sku": "X1", "price": "-5", "stock": "1"}, "Give a price of zero or more."),
    ({"name": "M", "sku": "X1", "price": "ten", "stock": "1"}, "Give the price as a number, such as 1500 or 12.50."),
    ({"name": "M", "sku": "X1", "price": "10.555", "stock": "1"}, "RUB prices have at most 2 decimal places."),
    ({"name": "M", "sku": "X1", "price": "10", "stock": "-1"}, "Give the stock as a whole number from 0 to 1000000."),
    ({"name": "M", "sku": "", "price": "10", "stock": "1"}, "This field is required."),
])
def test_bad_variant_rows_show_next_to_the_row_and_change_nothing(page_client, seller, row, message):
    make_product(seller)
    before = snapshot()
    response = page_client(seller).post(reverse("shop:manage_product_new"), product_post([row], title="New"))
    html = response.content.decode()
    assert response.status_code == 422
    errors = re.search(r'data-testid="row-error"><li>([^<]+)</li>', html)
    assert errors and errors.group(1) == message.replace("'", "&#x27;")
    assert snapshot() == before


def test_duplicate_sku_in_the_form_or_in_the_shop_is_refused(page_client, seller):
    make_product(seller, sku="TAKEN")
    before = snapshot()
    client = page_client(seller)
    twice = client.post(reverse("shop:manage_product_new"), product_post([
        {"name": "S", "sku": "dup", "price": "1", "stock": "1"},
        {"name": "M", "sku": "DUP", "price": "1", "stock": "1"}]))
    assert twice.status_code == 422 and "Each variant needs its own SKU." in twice.content.decode()
    taken = client.post(reverse("shop:manage_product_new"), product_post([
        {"name": "S", "sku": "TAKEN", "price": "1", "stock": "1"}]))
    assert taken.status_code == 422
    assert "A product of this shop already uses one of these SKUs." in taken.content.decode()
    assert snapshot() == before


def test_no_variants_or_no_title_is_refused(page_client, seller):
    client = page_client(seller)
    empty = client.post(reverse("shop:manage_product_new"), product_post([{"sku": ""}], currency="RUB"))
    assert empty.status_code == 422 and 'data-testid="form-error"' in empty.content.decode()
    untitled = client.post(reverse("shop:manage_product_new"), product_post(
        [{"name": "S", "sku": "S", "price": "1", "stock": "1"}], title="", currency="RUB"))
    assert untitled.status_code == 422
    bad_currency = client.post(reverse("shop:manage_product_new"), product_post(
        [{"name": "S", "sku": "S", "price": "1", "stock": "1"}], currency="XXQ"))
    assert bad_currency.status_code == 422 and "ISO 4217" in bad_currency.content.decode()
    assert not Product.objects.exists() and not Shop.objects.exists()


# --- Edit -----------------------------------------------------------------------------------------------

def edit_post(product, changes=None, *, new=None, **fields):
    rows = []
    for variant in product.variants.all():
        row = {"id": str(variant.pk), "name": variant.name, "sku": variant.sku, "price": f"{variant.price:f}",
               "stock": str(variant.stock), "active": "on" if variant.is_active else ""}
        row.update((changes or {}).get(variant.pk, {}))
        rows.append({k: v for k, v in row.items() if not (k == "active" and not v)})
    rows += new or []
    return product_post(rows, **{"title": product.title, "status": product.status, **fields})


@pytest.mark.parametrize("lang", ["en", "ru", "bn"])
def test_edit_page_renders_in_every_language(page_client, seller, lang):
    product = make_product(seller)
    response = page_client(seller).get(reverse("shop:manage_product", args=[product.pk]),
                                       headers={"Accept-Language": lang})
    html = response.content.decode()
    assert response.status_code == 200 and 'value="SKU-1"' in html and html.count('data-testid="variant-row"') == 2


def test_edit_changes_the_product_and_adds_a_variant(page_client, seller):
    product = make_product(seller)
    variant = product.variants.get()
    response = page_client(seller).post(reverse("shop:manage_product", args=[product.pk]), edit_post(
        product, {variant.pk: {"price": "1700", "stock": "4"}},
        new=[{"name": "L", "sku": "SKU-2", "price": "1800", "stock": "2"}], title="Linen shirt, washed"))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.title == "Linen shirt, washed"
    assert [(v.sku, str(v.price), v.stock) for v in product.variants.all()] == [("SKU-1", "1700.000", 4),
                                                                                 ("SKU-2", "1800.000", 2)]


@pytest.mark.parametrize(("change", "message"), [
    ({"price": "-1"}, "Give a price of zero or more."),
    ({"stock": "2.5"}, "Give the stock as a whole number from 0 to 1000000."),
    ({"sku": "OTHER-1"}, "A product of this shop already uses one of these SKUs."),
    ({"active": ""}, "Keep at least one variant on sale; archive the product instead."),
])
def test_bad_edits_show_as_errors_and_change_nothing(page_client, seller, change, message):
    make_product(seller, "Other", sku="OTHER-1")
    product = make_product(seller)
    variant = product.variants.get()
    before = snapshot()
    response = page_client(seller).post(reverse("shop:manage_product", args=[product.pk]),
                                        edit_post(product, {variant.pk: change}, title="Renamed"))
    assert response.status_code == 422
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert snapshot() == before


def test_a_forged_variant_id_is_refused(page_client, make_user, seller):
    other_variant = make_product(make_user("othershop", account_type="business"), sku="THEIRS").variants.get()
    product = make_product(seller)
    before = snapshot()
    data = edit_post(product, new=[{"id": str(other_variant.pk), "name": "X", "sku": "THEIRS2", "price": "1",
                                    "stock": "1", "active": "on"}])
    response = page_client(seller).post(reverse("shop:manage_product", args=[product.pk]), data)
    assert response.status_code == 422 and "This product has no such variant." in response.content.decode()
    assert snapshot() == before


def test_another_sellers_product_is_404_on_every_manage_page(page_client, make_user, seller):
    theirs = make_product(make_user("othershop", account_type="business"), "Theirs", sku="T-1")
    image_url = reverse("shop:manage_photo", args=[theirs.pk, 1])
    client = page_client(seller)
    before = snapshot()
    assert client.get(reverse("shop:manage_product", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("shop:manage_product", args=[theirs.pk]), edit_post(theirs, title="Mine now")
                       ).status_code == 404
    assert client.post(reverse("shop:manage_product_status", args=[theirs.pk]), {"action": "archive"}
                       ).status_code == 404
    assert client.post(reverse("shop:manage_product_delete", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("shop:manage_photos_add", args=[theirs.pk]), {"images": photo()}).status_code == 404
    assert client.post(image_url, {"action": "delete"}).status_code == 404
    assert snapshot() == before and not ProductImage.objects.exists()


# --- Status and delete ----------------------------------------------------------------------------------

def test_archive_and_activate(page_client, seller):
    product = make_product(seller)
    client = page_client(seller)
    assert client.post(reverse("shop:manage_product_status", args=[product.pk]), {"action": "archive"}
                       ).status_code == 302
    product.refresh_from_db()
    assert product.status == ProductStatus.ARCHIVED
    client.post(reverse("shop:manage_product_status", args=[product.pk]), {"action": "activate"})
    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE
    assert client.post(reverse("shop:manage_product_status", args=[product.pk]), {"action": "sell-twice"}
                       ).status_code == 404
    assert client.get(reverse("shop:manage_product_status", args=[product.pk])).status_code == 405


def test_delete_removes_a_product_without_orders(page_client, seller):
    product = make_product(seller)
    response = page_client(seller).post(reverse("shop:manage_product_delete", args=[product.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("shop:manage")
    assert not Product.objects.filter(pk=product.pk).exists()


# --- Photos ---------------------------------------------------------------------------------------------

def test_photos_upload_reorder_and_remove(page_client, seller):
    product = make_product(seller)
    client = page_client(seller)
    url = reverse("shop:manage_photos_add", args=[product.pk])
    assert client.post(url, {"images": [photo("Canon_40D.jpg"), photo("Nikon_D70.jpg")]}).status_code == 302
    first, second = product.images.order_by("position")
    assert client.post(reverse("shop:manage_photo", args=[product.pk, second.pk]), {"action": "up"}
                       ).status_code == 302
    assert list(product.images.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    html = client.get(reverse("shop:manage_product", args=[product.pk])).content.decode()
    assert html.count('data-testid="manage-photo"') == 2
    client.post(reverse("shop:manage_photo", args=[product.pk, second.pk]), {"action": "delete"})
    assert list(product.images.values_list("pk", "position")) == [(first.pk, 0)]


def test_a_bad_photo_shows_an_error_and_stores_nothing(page_client, seller):
    from django.core.files.uploadedfile import SimpleUploadedFile

    product = make_product(seller)
    response = page_client(seller).post(reverse("shop:manage_photos_add", args=[product.pk]), {
        "images": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")})
    assert response.status_code in (400, 415, 422)
    assert 'data-testid="photo-error"' in response.content.decode()
    assert not ProductImage.objects.exists()


# --- Collections ----------------------------------------------------------------------------------------

def test_collections_create_edit_delete(page_client, seller):
    shirt = make_product(seller, sku="A")
    coat = make_product(seller, "Coat", sku="B")
    client = page_client(seller)
    url = reverse("shop:manage_collections")
    assert client.post(url, {"title": "Summer", "product_ids": [str(shirt.pk)]}).status_code == 302
    collection = Collection.objects.get()
    assert list(collection.products.all()) == [shirt]
    duplicate = client.post(url, {"title": "Summer"})
    assert duplicate.status_code == 422 and "Your shop already has a collection with this name." in \
        duplicate.content.decode().replace("&#x27;", "'")
    edit = reverse("shop:manage_collection", args=[collection.pk])
    assert client.post(edit, {"title": "Summer sale", "product_ids": [str(shirt.pk), str(coat.pk)]}).status_code == 302
    collection.refresh_from_db()
    assert collection.title == "Summer sale" and set(collection.products.all()) == {shirt, coat}
    assert client.post(edit, {"delete": "1"}).status_code == 302
    assert not Collection.objects.exists() and Product.objects.count() == 2


def test_collection_refuses_another_sellers_products_and_ids(page_client, make_user, seller):
    make_product(seller, sku="A")
    other = make_user("othershop", account_type="business")
    theirs = make_product(other, sku="T")
    from vitrina.shop.collections import collection_create

    their_collection = collection_create(owner=other, title="Theirs")
    client = page_client(seller)
    response = client.post(reverse("shop:manage_collections"), {"title": "Mine", "product_ids": [str(theirs.pk)]})
    assert response.status_code == 422 and Collection.objects.filter(shop__owner=seller).count() == 0
    assert client.get(reverse("shop:manage_collection", args=[their_collection.pk])).status_code == 404
    their_url = reverse("shop:manage_collection", args=[their_collection.pk])
    assert client.post(their_url, {"delete": "1"}).status_code == 404
    assert Collection.objects.filter(pk=their_collection.pk).exists()
