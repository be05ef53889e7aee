import io
import json
import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
import pyvips
from PIL import Image, ImageChops, ImageOps, ImageStat

from vitrina.core.errors import InvalidInput, TooLarge, UnsupportedMedia
from vitrina.media import blurhash
from vitrina.media.pipeline import VARIANT_WIDTHS, process_avatar, process_photo
from vitrina.media.sniff import sniff

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = Path(__file__).parent / "data" / "photos"
REFUSED_SAMPLES = {"corrupted.jpg", "invalid_image00971.jpg"}  # see test_damaged_sample_is_422
ACCEPTED_SAMPLES = sorted(p.name for p in PHOTOS.iterdir() if p.suffix != ".md" and p.name not in REFUSED_SAMPLES)
RATIO_SLACK = 0.01  # rounding to whole pixels


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def png_chunk(tag: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))


def huge_png(side: int) -> bytes:
    """A valid single-colour 1-bit PNG, built row by row so the test never holds its pixels."""
    row = b"\x00" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def jpeg_with_app1(jpeg: bytes, payload: bytes) -> bytes:
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def jpeg_segments(content: bytes) -> list[int]:
    """Markers of the segments before the first scan."""
    markers, pos = [], 2
    while content[pos] == 0xFF and content[pos + 1] != 0xDA:
        markers.append(content[pos + 1])
        pos += 2 + int.from_bytes(content[pos + 2 : pos + 4], "big")
    return markers


def webp_chunks(content: bytes) -> list[bytes]:
    chunks, pos = [], 12
    while pos + 8 <= len(content):
        size = int.from_bytes(content[pos + 4 : pos + 8], "little")
        chunks.append(content[pos : pos + 4])
        pos += 8 + size + (size & 1)
    return chunks


def assert_clean(variant) -> Image.Image:
    """The variant decodes at its stated size and carries pixels only."""
    content = variant.content
    image = Image.open(io.BytesIO(content))
    image.load()
    assert image.format == {"webp": "WEBP", "jpg": "JPEG"}[variant.format]
    assert image.size == (variant.width, variant.height)
    assert image.mode == "RGB"
    assert len(image.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "photoshop"} & set(image.info)
    for marker in (b"Exif", b"http://ns.adobe.com", b"ICC_PROFILE", b"Photoshop 3.0", b"<script"):
        assert marker not in content
    if variant.format == "jpg":
        segments = jpeg_segments(content)
        assert not [m for m in segments if 0xE1 <= m <= 0xEF or m == 0xFE]  # APP1-15 and COM carry metadata
        assert 0xC0 in segments  # baseline: the JPEG is the fallback beside WebP (see pipeline._encode)
    else:
        assert set(webp_chunks(content)) <= {b"VP8 ", b"VP8L"}
    return image


def assert_photo_shape(photo) -> None:
    assert [v.format for v in photo.variants] == ["webp", "jpg"] * 3
    widths = [v.width for v in photo.variants]
    assert widths == sorted(widths, reverse=True)
    assert (photo.width, photo.height) == (photo.variants[0].width, photo.variants[0].height)
    for variant, target in zip(photo.variants, [w for w in VARIANT_WIDTHS for _ in range(2)]):
        assert variant.width <= target
        assert 0.8 - RATIO_SLACK <= variant.width / variant.height <= 1.91 + RATIO_SLACK


def ratio_of(photo) -> float:
    return photo.width / photo.height


@pytest.mark.parametrize("name", ACCEPTED_SAMPLES)
def test_sample_photo_gives_six_clean_variants(name):
    # Three of these carry GPS in EXIF; a variant with no EXIF segment or chunk cannot carry it.
    photo = process_photo((PHOTOS / name).read_bytes())
    assert_photo_shape(photo)
    for variant in photo.variants:
        assert_clean(variant)


def grey_thumb(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(content)).convert("L").resize((32, 32))


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


@pytest.mark.parametrize(
    "name", [f"orientation_landscape_{n}" for n in range(2, 9)] + [f"orientation_portrait_{n}" for n in (3, 6, 8)]
)
def test_exif_orientation_is_applied(name):
    reference = grey_thumb(process_photo((PHOTOS / f"{name[:-2]}_1.jpg").read_bytes()).variants[-1].content)
    result = grey_thumb(process_photo((PHOTOS / f"{name}.jpg").read_bytes()).variants[-1].content)
    stored_as_is = Image.open(PHOTOS / f"{name}.jpg").convert("L").resize((32, 32))
    # Measured: about 1 against the upright reference, 28 and more against any wrong turn or mirror.
    assert mean_difference(result, reference) < 4
    assert mean_difference(stored_as_is, reference) > 15
    for wrong in (ImageOps.mirror(reference), ImageOps.flip(reference), reference.rotate(180)):
        assert mean_difference(result, wrong) > 15


@pytest.mark.parametrize(
    "name,code",
    [
        ("corrupted.jpg", "unreadable_image"),  # "Corrupt JPEG data: premature end of data segment"
        ("invalid_image00971.jpg", "damaged_metadata"),  # orientation stated in XMP only, no EXIF block
    ],
)
def test_damaged_sample_is_422(name, code):
    with pytest.raises(InvalidInput) as refused:
        process_photo((PHOTOS / name).read_bytes())
    assert (refused.value.status, refused.value.code) == (422, code)


def test_truncated_jpeg_is_422():
    data = (PHOTOS / "gps_DSCN0010.jpg").read_bytes()
    with pytest.raises(InvalidInput) as refused:
        process_photo(data[: len(data) // 2])
    assert refused.value.code == "unreadable_image"


def sample_as(fmt: str) -> bytes:
    if fmt == "avif":
        return pyvips.Image.new_from_file(str(PHOTOS / "gps_DSCN0010.jpg")).heifsave_buffer(compression="av1")
    if fmt == "heic":
        return (PHOTOS / "heic_IMG_5195.HEIC").read_bytes()
    return encoded(Image.open(PHOTOS / "gps_DSCN0010.jpg"), fmt)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "avif", "heic"])
def test_truncated_file_of_any_type_is_422(fmt):
    data = sample_as(fmt)
    for cut in (len(data) // 2, len(data) - 100):
        with pytest.raises(InvalidInput) as refused:
            process_photo(data[:cut])
        assert refused.value.code == "unreadable_image"


def test_header_only_jpeg_is_422():
    with pytest.raises(InvalidInput) as refused:
        process_photo(b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    assert refused.value.code == "unreadable_image"


def test_huge_png_is_refused_from_its_header():
    data = huge_png(30_000)
    started = time.perf_counter()
    with pytest.raises(InvalidInput) as refused:
        process_photo(data)
    assert refused.value.status == 422
    assert refused.value.code == "too_many_pixels"
    assert time.perf_counter() - started < 1  # decoding 900 megapixels would take many seconds


def test_pixel_limit_comes_from_settings(settings):
    settings.MAX_IMAGE_PIXELS = 600 * 450 - 1
    with pytest.raises(InvalidInput) as refused:
        process_photo((PHOTOS / "orientation_landscape_1.jpg").read_bytes())
    assert refused.value.code == "too_many_pixels"


def test_upload_over_the_byte_limit_is_413(settings):
    data = (PHOTOS / "gps_DSCN0010.jpg").read_bytes()
    settings.MAX_UPLOAD_BYTES = len(data) - 1
    with pytest.raises(TooLarge) as refused:
        process_photo(data)
    assert refused.value.status == 413


def many_frame_gif() -> bytes:
    frames = [Image.new("P", (8, 8), n % 256) for n in range(2000)]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=10, loop=0)


HOSTILE = {
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "svg_with_xml_declaration": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    "html": b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    "eps": b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\nshowpage\n",
    "eps_binary": b"\xc5\xd0\xd3\xc6" + b"\x00" * 28,
    "fits": b"SIMPLE  =                    T".ljust(2880, b" "),
    "mp4": b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 32,
    "empty": b"",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_unsupported_type_is_415(name):
    with pytest.raises(UnsupportedMedia) as refused:
        process_photo(HOSTILE[name])
    assert refused.value.status == 415
    assert "JPEG, PNG, WebP, HEIC or AVIF" in str(refused.value.message)


def test_gifs_are_415_even_with_thousands_of_frames():
    with pytest.raises(UnsupportedMedia):
        process_photo(many_frame_gif())


def test_tiff_is_415():
    with pytest.raises(UnsupportedMedia):
        process_photo(encoded(Image.new("RGB", (64, 48), "red"), "TIFF"))


@pytest.mark.parametrize(
    "head,kind",
    [
        (b"\xff\xd8\xff\xe1", "jpeg"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heif"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00mif1avifmiaf", "heif"),
        (b"\x00\x00\x00\x14ftypmp42\x00\x00\x00\x00msf1", "heif"),  # only a compatible brand says HEIF
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", None),
        (b"\x00\x00\x10\x00ftypheic\x00\x00\x00\x00", None),  # box runs past what was read
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),
        (b"GIF89a", None),
        (b"II*\x00", None),
        (b"", None),
    ],
)
def test_sniff_reads_the_type_from_leading_bytes(head, kind):
    assert sniff(head) == kind


def test_script_appended_to_jpeg_is_dropped():
    data = (PHOTOS / "gps_DSCN0010.jpg").read_bytes() + b"<script>alert('x')</script>"
    photo = process_photo(data)
    assert all(b"<script" not in v.content for v in photo.variants)


def test_avif_is_accepted():
    red = (pyvips.Image.black(300, 200) + [200, 30, 30]).cast("uchar").copy(interpretation="srgb")
    photo = process_photo(red.heifsave_buffer(compression="av1", Q=60))
    assert (photo.width, photo.height) == (300, 200)
    r, g, b = assert_clean(photo.variants[1]).getpixel((150, 100))
    assert r > 150 and g < 80 and b < 80


def test_heic_from_an_iphone_is_accepted():
    photo = process_photo((PHOTOS / "heic_IMG_5195.HEIC").read_bytes())
    assert (photo.width, photo.height) == (1080, 1350)  # 2566x3313 is taller than 4:5, so cropped


def test_transparency_is_flattened_onto_white():
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    image.paste((0, 0, 255, 255), (200, 0, 400, 300))
    photo = process_photo(encoded(image, "PNG"))
    for variant in photo.variants[:2]:
        flat = assert_clean(variant)
        assert all(c > 240 for c in flat.getpixel((50, 150)))
        r, g, b = flat.getpixel((350, 150))
        assert b > 200 and r < 40 and g < 40


def test_cmyk_jpeg_becomes_rgb():
    photo = process_photo(encoded(Image.new("CMYK", (400, 300), (0, 255, 255, 0)), "JPEG"))
    r, g, b = assert_clean(photo.variants[1]).getpixel((200, 150))
    assert r > 180 and g < 90 and b < 90


def test_greyscale_and_16_bit_images_become_8_bit_rgb():
    for image in (Image.new("L", (300, 200), 128), Image.new("I;16", (300, 200), 40_000)):
        photo = process_photo(encoded(image, "PNG"))
        assert assert_clean(photo.variants[0]).mode == "RGB"


def test_embedded_profile_is_converted_to_srgb_and_dropped():
    red = (pyvips.Image.black(300, 200) + [255, 0, 0]).cast("uchar").copy(interpretation="srgb")
    in_p3 = red.icc_transform("p3", input_profile="srgb")  # stored as (234, 51, 34) plus a P3 profile
    photo = process_photo(in_p3.pngsave_buffer())
    r, g, b = assert_clean(photo.variants[0]).getpixel((150, 100))
    assert r > 245 and g < 15 and b < 15


@pytest.mark.parametrize(
    "size,ratio",
    [
        ((450, 800), 0.8),  # 9:16 story-shaped portrait -> 4:5
        ((1500, 500), 1.91),  # 3:1 panorama -> 1.91:1
        ((1200, 800), 1.5),  # inside the range: kept
        ((800, 800), 1.0),
    ],
)
def test_aspect_ratio_is_kept_within_instagram_range(size, ratio):
    photo = process_photo(encoded(Image.new("RGB", size, (90, 120, 150)), "JPEG", quality=90))
    assert_photo_shape(photo)
    assert ratio_of(photo) == pytest.approx(ratio, abs=RATIO_SLACK)


def test_large_photo_gets_the_three_widths():
    photo = process_photo(encoded(Image.new("RGB", (2400, 1600), (90, 120, 150)), "JPEG"))
    assert [(v.width, v.height) for v in photo.variants[::2]] == [(1080, 720), (640, 427), (320, 213)]


def test_small_photo_is_not_upscaled():
    photo = process_photo((PHOTOS / "Nikon_D70.jpg").read_bytes())
    assert {(v.width, v.height) for v in photo.variants} == {(100, 66)}
    assert len(photo.variants) == 6


def test_centre_crop_keeps_the_middle():
    image = Image.new("RGB", (1500, 500), "black")
    image.paste((0, 200, 0), (500, 0, 1000, 500))  # a green middle third
    photo = process_photo(encoded(image, "PNG"))
    flat = assert_clean(photo.variants[0])
    assert flat.getpixel((flat.width // 2, flat.height // 2))[1] > 150
    assert flat.getpixel((5, flat.height // 2))[1] < 40


def test_broken_exif_block_is_422():
    jpeg = encoded(Image.new("RGB", (64, 48), "red"), "JPEG")
    with pytest.raises(InvalidInput) as refused:
        process_photo(jpeg_with_app1(jpeg, b"Exif\x00\x00II*\x00\xff\xff\xff\x7f" + b"\x00" * 30))
    assert refused.value.code == "damaged_metadata"


def test_orientation_stated_only_in_xmp_is_422():
    jpeg = encoded(Image.new("RGB", (64, 48), "red"), "JPEG")
    xmp = (b'http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
           b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
           b'xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/></rdf:RDF></x:xmpmeta>')
    with pytest.raises(InvalidInput) as refused:
        process_photo(jpeg_with_app1(jpeg, xmp))
    assert refused.value.code == "damaged_metadata"


def test_valid_exif_orientation_turns_the_photo():
    exif = Image.Exif()
    exif[0x0112] = 6
    photo = process_photo(encoded(Image.new("RGB", (400, 300), "red"), "JPEG", exif=exif))
    assert (photo.width, photo.height) == (300, 375)  # turned to 300x400, then cropped to 4:5


def decode_base83(text: str) -> int:
    value = 0
    for char in text:
        value = value * 83 + blurhash.BASE83.index(char)
    return value


@pytest.mark.parametrize("name", ["mobile_jolla.jpg", "orientation_portrait_1.jpg"])
def test_blurhash_is_valid_base83_for_4x3_components(name):
    placeholder = process_photo((PHOTOS / name).read_bytes()).blurhash
    assert len(placeholder) == 4 + 2 * 4 * 3
    assert set(placeholder) <= set(blurhash.BASE83)
    size_flag = decode_base83(placeholder[0])
    assert (size_flag % 9 + 1, size_flag // 9 + 1) == (4, 3)


def test_blurhash_of_solid_red_has_a_red_dc():
    placeholder = process_photo(encoded(Image.new("RGB", (400, 300), (255, 0, 0)), "PNG")).blurhash
    dc = decode_base83(placeholder[2:6])
    assert (dc >> 16, (dc >> 8) & 255, dc & 255) == (255, 0, 0)


def test_blurhash_matches_the_reference_encoder():
    # Expected value from the `blurhash` package on PyPI (halcy/blurhash-python) for the same pixels.
    rgb = bytes(c for y in range(4) for x in range(6) for c in ((x * 50) % 256, (y * 80) % 256, ((x + y) * 30) % 256))
    assert blurhash.encode(rgb=rgb, width=6, height=4) == "LuH_-.3KN=-p*jNHWqrtd?esfSeo"


def test_avatar_is_a_clean_320_square_with_small_webp_squares():
    for name in ("orientation_portrait_6.jpg", "heic_IMG_5195.HEIC", "Nikon_D70.jpg"):
        avatar = process_avatar((PHOTOS / name).read_bytes())
        files = [("JPEG", 320, avatar.jpeg), *(("WEBP", side, avatar.small[side]) for side in (96, 192))]
        for fmt, side, content in files:
            image = Image.open(io.BytesIO(content))
            assert (image.format, image.size, image.mode) == (fmt, (side, side), "RGB")
            assert len(image.getexif()) == 0 and "icc_profile" not in image.info
            assert b"Exif\x00\x00" not in content
        # Small enough to be worth it: a few KB, not the JPEG's 15-20.
        assert len(avatar.small[96]) < len(avatar.small[192]) < len(avatar.jpeg)
        # The same picture at every size.
        jpeg_small = Image.open(io.BytesIO(avatar.jpeg)).convert("L").resize((24, 24))
        webp_small = Image.open(io.BytesIO(avatar.small[96])).convert("L").resize((24, 24))
        assert sum(abs(a - b) for a, b in zip(jpeg_small.tobytes(), webp_small.tobytes())) / 576 < 8


def test_avatar_refuses_what_photos_refuse():
    with pytest.raises(UnsupportedMedia):
        process_avatar(HOSTILE["svg"])
    with pytest.raises(InvalidInput):
        process_avatar((PHOTOS / "corrupted.jpg").read_bytes())


# VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over fork and exec, so the child
# would report this test process's own peak.
MEASURE_RSS = """
import json, re, sys
import django
django.setup()
from vitrina.media.pipeline import process_photo
photo = process_photo(open(sys.argv[1], "rb").read())
peak_kb = int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
print(json.dumps({"width": photo.width, "peak_mb": peak_kb / 1024}))
"""


def test_forty_megapixel_jpeg_is_processed_in_bounded_memory(tmp_path):
    xy = pyvips.Image.xyz(7300, 5400)
    pattern = (xy[0] * 255 / 7300).bandjoin([xy[1] * 255 / 5400, (xy[0] + xy[1]) % 256])
    pattern = (pattern + pyvips.Image.gaussnoise(7300, 5400, sigma=6)).cast("uchar").copy(interpretation="srgb")
    path = tmp_path / "forty.jpg"
    pattern.jpegsave(str(path), Q=85)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vitrina.settings", "VIPS_CONCURRENCY": "2",
           "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", MEASURE_RSS, str(path)], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    measured = json.loads(run.stdout.strip().splitlines()[-1])
    assert measured["width"] == 1080
    # Measured 107-114 MB peak, 73 MB of it the interpreter with Django and libvips loaded; the
    # decoded 7300x5400 pixels alone would be 118 MB, so a full decode could not stay under this.
    assert measured["peak_mb"] < 160


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_big_jpeg_decoded_at_a_smaller_scale_is_turned_and_cropped_like_at_full_scale(orientation, monkeypatch):
    # A 12 MP phone photo is decoded at half scale in the DCT (pipeline._jpeg_shrink); the
    # result must match a full-scale decode: same size, same turn, same crop.
    from vitrina.media import pipeline

    scene = Image.new("RGB", (4000, 3000), "white")
    scene.paste((200, 30, 30), (0, 0, 1400, 900))  # a red block in the upper left corner
    scene.paste((30, 30, 200), (2600, 2100, 4000, 3000))  # a blue one lower right
    stored = scene.transpose({3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90,
                              8: Image.Transpose.ROTATE_270}[orientation]) if orientation != 1 else scene
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=90, exif=exif)
    data = buffer.getvalue()
    assert pipeline._jpeg_shrink(pyvips.Image.new_from_buffer(data, ""), width=1080, height=810) == 2
    reduced = process_photo(data)
    monkeypatch.setattr(pipeline, "_jpeg_shrink", lambda header, **kw: 1)
    full = process_photo(data)
    assert [(v.width, v.height) for v in reduced.variants] == [(v.width, v.height) for v in full.variants]
    assert (reduced.width, reduced.height) == (1080, 810)
    a, b = (Image.open(io.BytesIO(p.variants[0].content)).convert("RGB") for p in (reduced, full))
    assert mean_difference(a.convert("L"), b.convert("L")) < 2
    assert a.getpixel((50, 50))[0] > 150 and a.getpixel((a.width - 50, a.height - 50))[2] > 150


def test_truncated_big_jpeg_decoded_at_a_smaller_scale_is_422():
    data = encoded(Image.new("RGB", (4000, 3000), (90, 120, 150)), "JPEG", quality=90)
    with pytest.raises(InvalidInput):
        process_photo(data[: len(data) // 2])
