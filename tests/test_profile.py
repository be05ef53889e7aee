import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.conftest import assert_error
from vitrina.accounts.models import User

pytestmark = pytest.mark.django_db
PHOTOS = Path(__file__).parent / "data" / "photos"


def stored_files(settings, suffix=""):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob(f"*{suffix}") if p.is_file()) if root.exists() else []


def test_patch_me_changes_only_given_fields(api, make_user):
    user = make_user("mira", display_name="Mira")
    response = api(user).patch("/me", {"bio": "Кофе ☕ и কবিতা", "website": "https://mira.example"})
    assert response.status_code == 200
    body = response.json()
    assert body["bio"] == "Кофе ☕ и কবিতা"
    assert body["website"] == "https://mira.example"
    assert body["display_name"] == "Mira"


def test_bio_of_150_characters_with_emoji_fits(api, make_user):
    user = make_user("mira")
    bio = "🌸" * 150
    assert api(user).patch("/me", {"bio": bio}).json()["bio"] == bio


@pytest.mark.parametrize(
    "field,value",
    [
        ("bio", "x" * 151),
        ("display_name", "x" * 65),
        ("website", "not a url"),
        ("website", "javascript:alert(1)"),
        ("email", "nope"),
        ("email", ""),
        ("account_type", "robot"),
        ("city", "x" * 81),
    ],
)
def test_invalid_profile_fields_change_nothing(api, make_user, field, value):
    user = make_user("mira", display_name="Mira")
    before = User.objects.values().get(pk=user.pk)
    assert_error(api(user).patch("/me", {"bio": "new bio", field: value}), 422, field=field)
    assert User.objects.values().get(pk=user.pk) == before


def test_business_fields_only_for_business_accounts(api, make_user):
    user = make_user("mira")
    assert_error(api(user).patch("/me", {"category": "food"}), 422, field="category")
    response = api(user).patch("/me", {
        "account_type": "business", "category": "food", "city": "Kolkata",
        "contact_email": "hello@shop.example", "contact_phone": "+91 33 4000 1234",
    })
    assert response.status_code == 200
    body = response.json()
    assert (body["account_type"], body["category"], body["contact_phone"]) == ("business", "food", "+91 33 4000 1234")


@pytest.mark.parametrize("field,value", [("category", "weapons"), ("contact_phone", "call me"),
                                         ("contact_email", "x@")])
def test_invalid_business_fields(api, make_user, field, value):
    user = make_user("corner.shop", account_type="business")
    assert_error(api(user).patch("/me", {field: value}), 422, field=field)


def test_switching_away_from_business_hides_business_contact(api, make_user):
    shop = make_user("corner.shop", account_type="business", category="food", contact_phone="+44 20 7946 0958")
    assert api().get("/accounts/corner.shop").json()["contact_phone"] == "+44 20 7946 0958"
    api(shop).patch("/me", {"account_type": "creator"})
    body = api().get("/accounts/corner.shop").json()
    assert body["account_type"] == "creator"
    assert body["contact_phone"] == "" and body["category"] == ""


def test_unknown_and_mistyped_fields(api, make_user):
    user = make_user("mira")
    assert_error(api(user).patch("/me", {"is_private": "maybe"}), 422, field="is_private")
    assert_error(api(user).patch("/me", {"bio": 5}), 422, field="bio")


def test_control_characters_are_stripped(api, make_user):
    user = make_user("mira")
    body = api(user).patch("/me", {"display_name": "Mi\u0000ra", "bio": "line one\nline two\u0007"}).json()
    assert body["display_name"] == "Mira"
    assert body["bio"] == "line one\nline two"


@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
                                     "\u2066", "\u2067", "\u2068", "\u2069"])
def test_direction_controls_in_a_display_name_are_refused(api, make_user, control):
    user = make_user("mira", display_name="Mira")
    response = api(user).patch("/me", {"display_name": f"Mi{control}ra"})
    assert_error(response, 422, field="display_name")
    user.refresh_from_db()
    assert user.display_name == "Mira"


def edit_form(**fields):
    """Every field of the profile page's form, for mira@example.com."""
    return {"display_name": "", "bio": "", "website": "", "email": "mira@example.com", "account_type": "personal",
            "category": "", "city": "", "contact_email": "", "contact_phone": "", **fields}


def test_direction_override_in_the_edit_page_is_refused(client, make_user):
    user = make_user("mira", display_name="Mira")
    client.force_login(user)
    response = client.post("/accounts/edit/", edit_form(display_name="Mira \u202egnp.exe"))
    assert response.status_code == 422
    assert "direction controls" in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Mira"


def jpeg_upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="image/jpeg")


def test_avatar_is_square_upright_and_without_metadata(api, make_user, settings):
    user = make_user("mira")
    source = Image.open(PHOTOS / "gps_DSCN0010.jpg")
    assert source.getexif().get_ifd(0x8825)  # the test photo carries GPS
    response = api(user).upload("/me/avatar", {"image": jpeg_upload(PHOTOS / "gps_DSCN0010.jpg")})
    assert response.status_code == 200
    url = response.json()["avatar_url"]
    assert url.startswith("/media/avatars/") and url.endswith(".jpg")
    [stored] = stored_files(settings, ".jpg")
    assert len(stored_files(settings, ".webp")) == 2
    user.refresh_from_db()
    for path, (fmt, side) in [(stored, ("JPEG", 320)), *((Path(settings.MEDIA_ROOT) / user.avatar_small[str(side)],
                                                          ("WEBP", side)) for side in (96, 192))]:
        data = path.read_bytes()
        image = Image.open(io.BytesIO(data))
        assert (image.format, image.size) == (fmt, (side, side))
        assert not image.getexif()
        assert b"Exif" not in data and b"GPS" not in data and b"NIKON" not in data.upper()
    # The file is served at its URL.
    assert api().client.get(url).status_code == 200


def test_avatar_applies_exif_orientation(api, make_user, settings):
    user = make_user("mira")
    source = Image.open(PHOTOS / "orientation_portrait_6.jpg")
    assert source.getexif().get(0x0112) == 6
    assert api(user).upload("/me/avatar", {"image": jpeg_upload(PHOTOS / "orientation_portrait_6.jpg")}).status_code == 200
    [stored] = stored_files(settings, ".jpg")
    got = thumbnail(Image.open(stored))
    # Of the four ways the source could be turned, the stored avatar must look most
    # like the one EXIF orientation 6 asks for (a quarter turn clockwise).
    turns = {name: thumbnail(source.transpose(t)) if t else thumbnail(source) for name, t in [
        ("as stored", None), ("clockwise", Image.Transpose.ROTATE_270),
        ("half", Image.Transpose.ROTATE_180), ("anticlockwise", Image.Transpose.ROTATE_90)]}
    distances = {name: difference(got, thumb) for name, thumb in turns.items()}
    assert min(distances, key=distances.get) == "clockwise", distances


def thumbnail(image):
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    return image.convert("L").crop((left, top, left + side, top + side)).resize((24, 24))


def difference(a, b):
    return sum(abs(x - y) for x, y in zip(a.tobytes(), b.tobytes()))


def test_new_avatar_replaces_and_deletes_the_old_file(api, make_user, settings, django_capture_on_commit_callbacks):
    user = make_user("mira")
    me = api(user)
    me.upload("/me/avatar", {"image": jpeg_upload(PHOTOS / "gps_DSCN0010.jpg")})
    first = stored_files(settings)
    assert len(first) == 3  # the JPEG and the two small WebPs
    with django_capture_on_commit_callbacks(execute=True):
        me.upload("/me/avatar", {"image": jpeg_upload(PHOTOS / "orientation_portrait_6.jpg")})
    second = stored_files(settings)
    assert len(second) == 3 and not set(first) & set(second)
    with django_capture_on_commit_callbacks(execute=True):
        assert me.delete("/me/avatar").json()["avatar_url"] == ""
    assert stored_files(settings) == []


def png_bytes(width, height):
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG", optimize=True)
    return out.getvalue()


@pytest.mark.parametrize(
    "name,content,status,code",
    [
        ("x.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 415, "unsupported_media"),
        ("x.jpg", b"<html><body>hello</body></html>", 415, "unsupported_media"),
        ("x.gif", b"GIF89a" + b"\x00" * 100, 415, "unsupported_media"),
        ("x.jpg", b"", 415, "unsupported_media"),
        ("x.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, 422, "unreadable_image"),
        ("big.png", png_bytes(30_000, 30_000), 422, "too_many_pixels"),
    ],
)
def test_hostile_avatars_are_refused_and_leave_nothing(api, make_user, settings, name, content, status, code):
    user = make_user("mira")
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    assert_error(api(user).upload("/me/avatar", {"image": upload}), status, code)
    assert stored_files(settings) == []
    user.refresh_from_db()
    assert user.avatar == ""


def test_too_large_avatar_is_413(api, make_user, settings):
    settings.MAX_UPLOAD_BYTES = 50_000
    user = make_user("mira")
    assert_error(api(user).upload("/me/avatar", {"image": jpeg_upload(PHOTOS / "gps_DSCN0010.jpg")}), 413, "too_large")
    assert stored_files(settings) == []


def test_script_appended_to_jpeg_is_not_stored(api, make_user, settings):
    user = make_user("mira")
    payload = (PHOTOS / "gps_DSCN0010.jpg").read_bytes() + b"<script>alert('x')</script>"
    upload = SimpleUploadedFile("x.jpg", payload, content_type="image/jpeg")
    assert api(user).upload("/me/avatar", {"image": upload}).status_code == 200
    assert len(stored_files(settings)) == 3
    assert not any(b"<script>" in stored.read_bytes() for stored in stored_files(settings))


def test_avatar_without_file_is_422(api, make_user):
    assert_error(api(make_user("mira")).upload("/me/avatar", {}), 422, field="image")


def test_edit_profile_page_saves_and_shows_errors(client, make_user):
    user = make_user("mira")
    client.force_login(user)
    form = edit_form(display_name="Мира", bio="x" * 151)
    response = client.post("/accounts/edit/", form)
    assert response.status_code == 422
    assert "150" in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == ""
    response = client.post("/accounts/edit/", {**form, "bio": "Привет"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.bio) == ("Мира", "Привет")


def test_avatar_page_upload_refuses_bad_file(client, make_user, settings):
    user = make_user("mira")
    client.force_login(user)
    bad = SimpleUploadedFile("x.jpg", b"<svg/>", content_type="image/jpeg")
    response = client.post("/accounts/avatar/", {"image": bad}, follow=True)
    assert "JPEG, PNG, WebP, HEIC or AVIF" in response.content.decode()
    assert stored_files(settings) == []
    good = jpeg_upload(PHOTOS / "gps_DSCN0010.jpg")
    client.post("/accounts/avatar/", {"image": good})
    user.refresh_from_db()
    assert user.avatar.startswith("avatars/")
