"""Frames: the crop boxes a member sends with a post, the photos cut to them, and carousels shown in
their first photo's frame."""

import re
from dataclasses import astuple
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from tests.posts_helpers import make_post, photo, stored_files
from vitrina.core.errors import InvalidInput
from vitrina.media import crop
from vitrina.media.crop import CropBox
from vitrina.posts.frames import DISPLAY_RATIOS, FrameChoice, frame_class, parse_crop
from vitrina.posts.models import Post

CSS = Path(__file__).resolve().parent.parent / "vitrina" / "web" / "static" / "web" / "vitrina.css"


def largest_jpeg(media, settings) -> Image.Image:
    return Image.open(Path(settings.MEDIA_ROOT) / media.files["1080"]["jpg"])


def grey(image: Image.Image) -> Image.Image:
    return image.convert("L").resize((32, 32))


def difference(a: Image.Image, b: Image.Image) -> float:
    return ImageStat.Stat(ImageChops.difference(grey(a), grey(b))).mean[0]


# --- Crop boxes as sent ---

@pytest.mark.parametrize("value,box", [
    ("0,0,1,1", CropBox(0, 0, 1, 1)),
    ("0.125000,0.000000,0.750000,1.000000", CropBox(0.125, 0, 0.75, 1)),
    (".25,.5,.5,.5", CropBox(0.25, 0.5, 0.5, 0.5)),
    ("0.500001,0,0.5,1", CropBox(0.500001, 0, 0.499999, 1)),  # a browser's rounding, a hair past the edge
    ("center", None),
])
def test_crop_boxes_that_are_read(value, box):
    parsed = parse_crop(value)
    assert parsed is None if box is None else astuple(parsed) == pytest.approx(astuple(box))


@pytest.mark.parametrize("value", [
    "", " ", "0,0,1", "0,0,1,1,1", "0;0;1;1", "-0.1,0,1,1", "0,0,1.5,1", "0.5,0,0.6,1", "0,0.6,1,0.5",
    "0,0,0,1", "0,0,1,0", "nan,0,1,1", "inf,0,1,1", "1e-3,0,0.5,0.5", "0x1,0,1,1", " 0,0,1,1", "0,0,1,1 ",
    "0.5_0,0,0.5,1", "0." + "1" * 13 + ",0,0.5,0.5", "CENTER", "centre", None, 5, ["0,0,1,1"],
])
def test_crop_boxes_that_are_refused(value):
    with pytest.raises(ValueError):
        parse_crop(value)


def test_the_box_must_be_of_the_frames_shape():
    # 600 x 450: a square box is 450 px wide, 0.75 of the width; rounding by a pixel is the frame still.
    assert crop.pixel_box(width=600, height=450, box=CropBox(0.125, 0, 0.75, 1), ratio=1) == (75, 0, 450, 450)
    assert crop.pixel_box(width=600, height=450, box=CropBox(0, 0, 0.7517, 1), ratio=1) == (0, 0, 450, 450)
    assert crop.pixel_box(width=600, height=450, box=None, ratio=0.8) == (120, 0, 360, 450)
    with pytest.raises(crop.BoxMismatch):
        crop.pixel_box(width=600, height=450, box=CropBox(0, 0, 1, 1), ratio=1)
    with pytest.raises(crop.BoxMismatch):
        crop.pixel_box(width=600, height=450, box=CropBox(0, 0, 0.0001, 0.0001), ratio=1)


# --- Posts made with a frame ---

@pytest.mark.django_db
@pytest.mark.parametrize("frame,size", [(FrameChoice.SQUARE, (1080, 1080)), (FrameChoice.PORTRAIT, (1080, 1350))])
def test_an_8_megapixel_photo_is_cut_to_the_frame(make_user, settings, frame, size):
    post = make_post(make_user("mira"), photos=("mobile_jolla.jpg",), frame=frame)
    media = post.media.get()
    assert (media.width, media.height) == size
    assert largest_jpeg(media, settings).size == size
    assert {(v["w"], v["h"]) for v in media.files.values()} == {size, (640, round(640 * size[1] / size[0])),
                                                              (320, round(320 * size[1] / size[0]))}


@pytest.mark.django_db
@pytest.mark.parametrize("name", [f"orientation_landscape_{n}.jpg" for n in (3, 6, 8)])
def test_the_box_is_placed_on_the_photo_as_it_is_seen_upright(make_user, settings, name):
    # The eight orientation samples show one picture; stored turned by their EXIF tag, each is upright.
    # A box at the left edge of the upright picture must cut the same part from every one of them.
    author = make_user("mira")
    box = "0,0,0.6,0.8"  # 360 x 360 of the upright 600 x 450
    reference = make_post(author, photos=("orientation_landscape_1.jpg",), frame=FrameChoice.SQUARE, crops=[box])
    turned = make_post(author, photos=(name,), frame=FrameChoice.SQUARE, crops=[box])
    expected = largest_jpeg(reference.media.get(), settings)
    result = largest_jpeg(turned.media.get(), settings)
    assert result.size == expected.size == (360, 360)
    assert difference(result, expected) < 4
    # ... and not the centre, nor the other side.
    centred = make_post(author, photos=("orientation_landscape_1.jpg",), frame=FrameChoice.SQUARE)
    assert difference(result, largest_jpeg(centred.media.get(), settings)) > 8
    right = make_post(author, photos=("orientation_landscape_1.jpg",), frame=FrameChoice.SQUARE,
                      crops=["0.4,0.2,0.6,0.8"])
    assert difference(result, largest_jpeg(right.media.get(), settings)) > 8


@pytest.mark.django_db
def test_the_original_frame_fits_the_others_to_the_first_photo(make_user):
    # A 4:3 landscape first: the portrait HEIC and the landscape turned by EXIF are cut to 4:3.
    post = make_post(make_user("mira"), photos=("gps_DSCN0010.jpg", "heic_IMG_5195.HEIC", "orientation_portrait_6.jpg"),
                     frame=FrameChoice.ORIGINAL, crops=["0,0,1,1", "center", "0,0.2,1,0.5625"])
    sizes = [(m.width, m.height) for m in post.media.all()]
    assert sizes[0] == (640, 480)
    for width, height in sizes[1:]:
        assert width / height == pytest.approx(4 / 3, abs=0.01)
    assert sizes[2] == (450, 338)


@pytest.mark.django_db
def test_without_boxes_a_square_frame_centres_each_photo(make_user):
    post = make_post(make_user("mira"), photos=("Canon_40D.jpg", "orientation_portrait_1.jpg"),
                     frame=FrameChoice.SQUARE)
    assert [(m.width, m.height) for m in post.media.all()] == [(68, 68), (450, 450)]


@pytest.mark.django_db
@pytest.mark.parametrize("frame,crops,message", [
    ("round", None, "Choose a frame"),
    (FrameChoice.SQUARE, ["0,0,1,1"], "Each photo needs its place"),  # two photos, one box
    (FrameChoice.SQUARE, ["0.125,0,0.75,1", ""], "Photo 2 has no valid place"),
    (FrameChoice.SQUARE, ["0.125,0,0.75,1", "0,0,2,1"], "Photo 2 has no valid place"),
    (FrameChoice.SQUARE, ["0,0,1,1", "center"], "Photo 1 has no valid place"),  # 4:3, not square
    (FrameChoice.PORTRAIT, ["0.125,0,0.75,1", "center"], "Photo 1 has no valid place"),  # square, not 4:5
    (FrameChoice.ORIGINAL, ["0,0,1,1", "0,0,1,1"], "Photo 2 has no valid place"),  # portrait in a landscape frame
])
def test_bad_frames_and_boxes_are_refused_and_nothing_is_stored(make_user, settings, frame, crops, message):
    with pytest.raises(InvalidInput) as refused:
        make_post(make_user("mira"), photos=("orientation_landscape_1.jpg", "orientation_portrait_1.jpg"),
                  frame=frame, crops=crops)
    assert refused.value.message.startswith(message)
    assert not Post.objects.exists() and stored_files(settings) == []


@pytest.mark.django_db
def test_the_create_page_sends_the_frame_and_boxes(page_client, make_user):
    client = page_client(make_user("mira"))
    page = client.get("/create/").content.decode()
    assert re.search(r'<input type="radio" name="frame" value="original"[^>]* checked', page)
    response = client.post("/create/", {
        "images": [photo("orientation_landscape_1.jpg"), photo("orientation_portrait_1.jpg")], "frame": "portrait",
        "crop": ["0.2,0,0.6,1", "0,0.05,1,0.9375"], "alt_text": ["", ""]})
    assert response.status_code == 302
    assert [(m.width, m.height) for m in Post.objects.get().media.all()] == [(360, 450), (450, 562)]


@pytest.mark.django_db
def test_the_create_page_shows_a_bad_box_as_a_form_error(page_client, make_user, settings):
    client = page_client(make_user("mira"))
    response = client.post("/create/", {"images": [photo("orientation_landscape_1.jpg")], "frame": "square",
                                        "crop": ["0,0,1,1"]})
    assert response.status_code == 422
    assert "Photo 1 has no valid place in the frame" in response.content.decode()
    response = client.post("/create/", {"images": [photo("orientation_landscape_1.jpg")], "frame": "oval"})
    assert response.status_code == 422 and 'name="frame"' in response.content.decode()
    assert not Post.objects.exists() and stored_files(settings) == []


# --- Carousels in their first photo's frame ---

@pytest.mark.parametrize("size,expected", [
    ((600, 450), "frame-133"), ((450, 600), "frame-80"), ((1080, 1080), "frame-100"), ((1080, 566), "frame-191"),
    ((1080, 1350), "frame-80"), ((640, 427), "frame-150"), ((1920, 1080), "frame-178"), ((100, 1000), "frame-80"),
    ((3000, 1000), "frame-191"), ((1080, 1000), "frame-110"), ((0, 0), "frame-100"),
])
def test_the_frame_class_of_a_first_photo(size, expected):
    assert frame_class(*size) == expected


def test_every_frame_class_is_in_the_stylesheet():
    css = CSS.read_text()
    for ratio in DISPLAY_RATIOS:
        assert re.search(rf"\.frame-{round(ratio * 100)} \{{ --frame: [0-9. /]+; \}}", css), ratio
    assert re.search(r"\.carousel-track \{[^}]*aspect-ratio: var\(--frame", css)
    assert re.search(r"\.carousel-track \{[^}]*touch-action: pan-x pan-y pinch-zoom", css)
    assert re.search(r"\.slide picture, \.slide img \{[^}]*object-fit: cover", css)


@pytest.mark.django_db
def test_a_mixed_carousel_is_shown_in_its_first_photos_frame(page_client, make_user):
    author = make_user("mira")
    landscape_first = make_post(author, photos=("orientation_landscape_1.jpg", "orientation_portrait_1.jpg"))
    portrait_first = make_post(author, photos=("orientation_portrait_1.jpg", "gps_DSCN0010.jpg"))
    assert [(m.width, m.height) for m in landscape_first.media.all()] == [(600, 450), (450, 562)]
    for post, frame in ((landscape_first, "frame-133"), (portrait_first, "frame-80")):
        page = page_client().get(f"/p/{post.pk}/").content.decode()
        assert f'class="carousel {frame}"' in page
        assert ' style="' not in page  # the Content-Security-Policy would refuse it


@pytest.mark.django_db
def test_the_post_page_shows_relative_times(page_client, make_user):
    post = make_post(make_user("mira"))
    page = page_client().get(f"/p/{post.pk}/").content.decode()
    assert re.search(r'data-testid="post-time">now</time>', page)
