"""Product photos through the API: re-encoded, at most ten, nothing left behind on failure, reordered, removed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import assert_error
from tests.posts_helpers import PHOTOS, photo, stored_files
from tests.shop_helpers import make_product
from vitrina.shop import photos
from vitrina.shop.models import ProductImage


@pytest.fixture
def seller(make_user):
    return make_user("photo_shop", account_type="business")


def test_photos_upload_as_image_or_images(api, seller, settings):
    product = make_product(seller)
    client = api(seller)
    one = client.upload(f"/shop/products/{product.pk}/images", {"image": photo("Canon_40D.jpg")})
    assert one.status_code == 201, one.content
    body = client.upload(f"/shop/products/{product.pk}/images", {
        "images": [photo("Nikon_D70.jpg"), photo("gps_DSCN0010.jpg")], "alt_texts": '["Back", "Label"]'}).json()
    assert [i["alt_text"] for i in body["images"]] == ["", "Back", "Label"]
    first = body["images"][0]
    assert first["width"] and first["blurhash"] and set(first["urls"]) == {"1080", "640", "320"}
    assert "?e=" in first["urls"]["320"]["jpg"]  # signed like post photos
    assert list(ProductImage.objects.filter(product=product).values_list("position", flat=True)) == [0, 1, 2]


def test_stored_photos_carry_no_gps(api, seller, settings):
    product = make_product(seller)
    api(seller).upload(f"/shop/products/{product.pk}/images", {"image": photo("gps_DSCN0010.jpg")})
    for path in stored_files(settings):
        assert b"GPS" not in path.read_bytes()


def test_a_bad_file_refuses_all_and_leaves_nothing(api, seller, settings):
    product = make_product(seller)
    response = api(seller).upload(f"/shop/products/{product.pk}/images", {
        "images": [photo("Canon_40D.jpg"), photo("corrupted.jpg")]})
    assert response.status_code in (415, 422), response.content
    assert not ProductImage.objects.exists()
    assert stored_files(settings) == []


def test_at_most_ten_photos(api, seller, settings):
    product = make_product(seller)
    client = api(seller)
    small = (PHOTOS / "Nikon_D70.jpg").read_bytes()
    uploads = [SimpleUploadedFile(f"{i}.jpg", small, content_type="image/jpeg") for i in range(9)]
    assert client.upload(f"/shop/products/{product.pk}/images", {"images": uploads}).status_code == 201
    before = stored_files(settings)
    two = [photo("Nikon_D70.jpg"), photo("Canon_40D.jpg")]
    assert_error(client.upload(f"/shop/products/{product.pk}/images", {"images": two}), 422, "too_many_photos")
    assert ProductImage.objects.filter(product=product).count() == 9
    assert stored_files(settings) == before


def test_no_photo_is_422(api, seller):
    product = make_product(seller)
    assert_error(api(seller).upload(f"/shop/products/{product.pk}/images", {}), 422, "no_photos")


def test_reorder_and_remove(api, seller, settings, django_capture_on_commit_callbacks):
    product = make_product(seller)
    client = api(seller)
    body = client.upload(f"/shop/products/{product.pk}/images", {
        "images": [photo("Canon_40D.jpg"), photo("Nikon_D70.jpg"), photo("mobile_jolla.jpg")]}).json()
    ids = [i["id"] for i in body["images"]]
    reordered = client.client.put(f"/api/vitrina/v1/shop/products/{product.pk}/images",
                                  {"image_ids": [ids[2], ids[0], ids[1]]}, content_type="application/json",
                                  headers={"Authorization": f"Bearer {client.token}"})
    assert [i["id"] for i in reordered.json()["images"]] == [ids[2], ids[0], ids[1]]
    bad = client.client.put(f"/api/vitrina/v1/shop/products/{product.pk}/images", {"image_ids": [ids[0]]},
                            content_type="application/json", headers={"Authorization": f"Bearer {client.token}"})
    assert_error(bad, 422, "invalid_order")
    files_before = len(stored_files(settings))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/shop/products/{product.pk}/images/{ids[0]}").status_code == 204
    assert [i["id"] for i in client.get(f"/shop/products/{product.pk}").json()["images"]] == [ids[2], ids[1]]
    assert list(product.images.values_list("position", flat=True)) == [0, 1]
    assert len(stored_files(settings)) < files_before


def test_deleting_a_product_removes_its_files(api, seller, settings, django_capture_on_commit_callbacks):
    product = make_product(seller)
    photos.product_images_add(product=product, editor=seller, uploads=[photo()])
    assert stored_files(settings)
    with django_capture_on_commit_callbacks(execute=True):
        assert api(seller).delete(f"/shop/products/{product.pk}").json() == {"result": "deleted"}
    assert stored_files(settings) == []


def test_someone_elses_photo_is_404(api, seller, make_user):
    mine = make_product(seller)
    rival = make_user("rival", account_type="business")
    theirs = make_product(rival, title="Other", variants=[{"sku": "O", "price": "1", "stock": 1}])
    image = photos.product_images_add(product=theirs, editor=rival, uploads=[photo()])[0]
    assert_error(api(seller).delete(f"/shop/products/{mine.pk}/images/{image.pk}"), 404)
    assert_error(api(seller).delete(f"/shop/products/{theirs.pk}/images/{image.pk}"), 404)
    assert ProductImage.objects.filter(pk=image.pk).exists()
