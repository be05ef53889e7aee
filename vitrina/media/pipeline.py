"""Photo pipeline on libvips: decoded once, cropped, resized and re-encoded into clean variants.

What is refused before decoding (size, type, header, orientation) is in header.py.
Nothing of the upload survives but its pixels: every variant is decoded, turned
upright, converted to sRGB, flattened and re-encoded with no metadata at all
(EXIF with GPS, XMP, IPTC, ICC, comments, bytes appended after the image).
"""

import math
from dataclasses import dataclass

import pillow_heif
import pyvips

from vitrina.media import blurhash
from vitrina.media.exif import upright_size
from vitrina.media.header import open_header, unreadable

VARIANT_WIDTHS = (1080, 640, 320)
AVATAR_SIZE = 320
# What pages show: avatars are 26 to 86 CSS px (150 on wide screens), so 96 px serves a
# screen of one or two device pixels per CSS pixel for most, and 192 px the large ones.
# The demo's 320 px JPEG avatars of 5-21 KB became WebPs of 1-7 KB.
AVATAR_SMALL_SIZES = (96, 192)
# Instagram's range: from 4:5 portrait to 1.91:1 landscape; outside it, centre-crop to the nearer limit.
MIN_RATIO = 4 / 5
MAX_RATIO = 1.91
JPEG_QUALITY = 82
WEBP_QUALITY = 80
# Effort 2 of 0..6: a few percent larger files than the default 4 for about half the encode time.
WEBP_EFFORT = 2
BLURHASH_WIDTH = 32

# A cached operation holds its decoded pixels; uploads are never processed twice, so it only costs memory.
pyvips.cache_set_max(0)


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    format: str  # "webp" or "jpg"
    content: bytes


@dataclass(frozen=True)
class ProcessedPhoto:
    width: int  # of the largest variant
    height: int
    blurhash: str
    variants: list[Variant]  # widths x formats, largest first


def _height_for(*, width: int, ratio: float) -> int:
    """Height for width at ratio, rounded but never leaving the allowed range."""
    return max(math.ceil(width / MAX_RATIO), min(math.floor(width / MIN_RATIO), round(width / ratio)))


def _heif_pixels(data: bytes, *, header: pyvips.Image) -> pyvips.Image:
    """Decode HEVC HEIF through pillow-heif: the libvips wheel leaves the HEVC decoder out (patents)."""
    try:
        heif = pillow_heif.open_heif(data, convert_hdr_to_8bit=True)
        width, height = heif.size
        bands = len(heif.mode)  # "RGB" or "RGBA" after the 8-bit conversion
        row = width * bands
        buffer = heif.data
        if heif.stride != row:
            view = memoryview(buffer)
            buffer = b"".join(view[y * heif.stride : y * heif.stride + row] for y in range(height))
        icc = heif.info.get("icc_profile")
    except (ValueError, RuntimeError, OSError):
        raise unreadable() from None
    if (width, height) != (header.width, header.height) or bands not in (3, 4):
        raise unreadable()
    image = pyvips.Image.new_from_memory(buffer, width, height, bands, "uchar").copy(interpretation="srgb")
    if icc:
        image.set_type(pyvips.GValue.blob_type, "icc-profile-data", icc)
    return image


def _to_srgb(image: pyvips.Image) -> pyvips.Image:
    """8-bit sRGB, 3 bands, transparency flattened onto white."""
    if image.interpretation != "srgb":
        image = image.colourspace("srgb")
    if image.hasalpha():
        image = image.flatten(background=[255, 255, 255])
    if image.bands > 3:
        image = image.extract_band(0, n=3)
    return image.cast("uchar")


def _jpeg_shrink(header: pyvips.Image, *, width: int, height: int) -> int:
    """The largest JPEG DCT scale (1, 2, 4 or 8) that still leaves at least width x height upright pixels."""
    long_side, short_side = max(header.width, header.height), min(header.width, header.height)
    need_long, need_short = max(width, height), min(width, height)
    shrink = 1
    while shrink < 8 and long_side // (shrink * 2) >= need_long and short_side // (shrink * 2) >= need_short:
        shrink *= 2
    return shrink


def decode(data: bytes, *, kind: str, header: pyvips.Image, width: int, height: int, upscale: bool) -> pyvips.Image:
    """Upright, centre-cropped to width x height, in sRGB, decoded once with shrink-on-load."""
    options = dict(height=height, crop="centre", size="both" if upscale else "down")
    if header.get_typeof("icc-profile-data"):
        # Only with an embedded profile: output_profile on a profile-less image makes libvips
        # import it through a fallback sRGB profile, a no-op that costs ~90 ms on 12 MP.
        # CMYK without a profile is converted with libvips' default CMYK profile either way.
        options["output_profile"] = "srgb"
    try:
        if kind == "heif" and header.get("heif-compression") == "hevc":
            image = _heif_pixels(data, header=header).thumbnail_image(width, **options)
        elif kind == "jpeg" and (shrink := _jpeg_shrink(header, width=width, height=height)) > 1:
            # thumbnail_buffer shrinks a JPEG on load only when it is 4x or more too big, to leave
            # its resize a factor of two; a 12 MP phone photo (3.7x) was decoded at full size.
            # Decoding at 1/2 or 1/4 in the DCT and resizing the rest is the same as Pillow's
            # draft(): a third less CPU for a photo from a phone (bench/media.py).
            loaded = pyvips.Image.new_from_buffer(data, "", shrink=shrink, fail_on="warning")
            image = loaded.thumbnail_image(width, **options)
        else:
            # fail_on goes to the loader itself: thumbnail's own fail_on argument misses truncated JPEGs.
            image = pyvips.Image.thumbnail_buffer(data, width, option_string="fail_on=warning", **options)
        return _to_srgb(image).copy_memory()
    except pyvips.Error:
        raise unreadable() from None


def _encode(image: pyvips.Image, *, fmt: str) -> bytes:
    keep = pyvips.enums.ForeignKeep.NONE
    if fmt == "webp":
        return image.webpsave_buffer(Q=WEBP_QUALITY, effort=WEBP_EFFORT, keep=keep)
    # The JPEGs are the fallback for clients without WebP, which pages and apps show first:
    # plain baseline JPEG, not progressive with optimised tables, which cost 27 ms of the
    # ~150 ms a photo takes in the request for 2-4% fewer bytes (bench/media.py).
    return image.jpegsave_buffer(Q=JPEG_QUALITY, keep=keep)


def _blurhash(image: pyvips.Image) -> str:
    tiny = image.resize(min(1.0, BLURHASH_WIDTH / image.width))
    return blurhash.encode(rgb=bytes(tiny.write_to_memory()), width=tiny.width, height=tiny.height)


def process_photo(data: bytes) -> ProcessedPhoto:
    """Six clean variants (widths x WebP/JPEG, largest first) and a BlurHash of one uploaded photo.

    Raises TooLarge (413), UnsupportedMedia (415) or InvalidInput (422) for uploads that are refused.
    """
    kind, header = open_header(data)
    upright_width, upright_height = upright_size(header)
    ratio = min(MAX_RATIO, max(MIN_RATIO, upright_width / upright_height))
    # Too wide loses width; too tall keeps its width and loses height (in _height_for).
    crop_width = max(1, math.floor(upright_height * MAX_RATIO)) if ratio == MAX_RATIO else upright_width
    width = min(VARIANT_WIDTHS[0], crop_width)
    height = _height_for(width=width, ratio=ratio)
    base = decode(data, kind=kind, header=header, width=width, height=height, upscale=False)
    variants: list[Variant] = []
    try:
        for target in VARIANT_WIDTHS:
            width = min(target, base.width)
            if variants and variants[-1].width == width:
                # A source narrower than the target keeps its own width: reuse, don't re-encode.
                variants.extend(variants[-2:])
                continue
            height = base.height if width == base.width else _height_for(width=width, ratio=base.width / base.height)
            image = base if width == base.width else base.resize(width / base.width, vscale=height / base.height)
            variants.extend(Variant(width, height, fmt, _encode(image, fmt=fmt)) for fmt in ("webp", "jpg"))
        placeholder = _blurhash(base)
    except pyvips.Error:
        raise unreadable() from None
    return ProcessedPhoto(width=base.width, height=base.height, blurhash=placeholder, variants=variants)


@dataclass(frozen=True)
class ProcessedAvatar:
    jpeg: bytes  # AVATAR_SIZE square: the avatar the API links to and the data export holds
    small: dict[int, bytes]  # WebP squares by side (AVATAR_SMALL_SIZES), for pages


def process_avatar(data: bytes) -> ProcessedAvatar:
    """A square avatar, AVATAR_SIZE wide as JPEG and smaller as WebP, centre-cropped, with the
    same checks and cleaning as photos.

    A stored avatar JPEG goes through unchanged in shape, so this also makes the small WebP
    avatars of an avatar stored before they existed (manage.py avatar_variants).
    """
    kind, header = open_header(data)
    image = decode(data, kind=kind, header=header, width=AVATAR_SIZE, height=AVATAR_SIZE, upscale=True)
    try:
        small = {side: _encode(image.resize(side / image.width), fmt="webp") for side in AVATAR_SMALL_SIZES}
        return ProcessedAvatar(jpeg=_encode(image, fmt="jpg"), small=small)
    except pyvips.Error:
        raise unreadable() from None
