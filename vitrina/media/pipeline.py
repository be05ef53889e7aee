"""Photo pipeline on libvips: type from the bytes, limits from the header, clean variants out.

Nothing of the upload survives but its pixels: every variant is decoded, turned
upright, converted to sRGB, flattened and re-encoded with no metadata at all
(EXIF with GPS, XMP, IPTC, ICC, comments, bytes appended after the image).
"""

import math
import re
import struct
from dataclasses import dataclass

import pillow_heif
import pyvips
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vitrina.core.errors import InvalidInput, TooLarge, UnsupportedMedia
from vitrina.media import blurhash

VARIANT_WIDTHS = (1080, 640, 320)
AVATAR_SIZE = 320
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

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
LOADERS = {"jpeg": "jpegload", "png": "pngload", "webp": "webpload", "heif": "heifload"}
# libheif also reads JPEG-, VVC- and uncompressed-coded HEIF; phones write HEVC or AV1, so only those are decoded.
HEIF_CODECS = {"hevc", "av1"}
_XMP_ORIENTATION = re.compile(rb"tiff:Orientation\s*(?:=\s*[\"']|>)\s*(\d+)")


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


def too_large_error() -> TooLarge:
    limit = settings.MAX_UPLOAD_BYTES
    return TooLarge(_("This file is too large. The limit is %(mb)s MB.") % {"mb": limit // (1024 * 1024)})


def _unreadable() -> InvalidInput:
    return InvalidInput(_("This file could not be read as an image."), code="unreadable_image")


def _damaged_metadata() -> InvalidInput:
    return InvalidInput(
        _("This photo's orientation data is damaged, so it cannot be shown the right way up. "
          "Export it again from your photo app."),
        code="damaged_metadata",
    )


def sniff(head: bytes) -> str | None:
    """The container type from the leading bytes alone; None for anything not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        # ISO-BMFF: the first box is ftyp = size, "ftyp", major brand, minor version, compatible brands.
        size = int.from_bytes(head[:4], "big")
        if 16 <= size <= len(head):
            brands = {head[8:12]} | {head[i : i + 4] for i in range(16, size - 3, 4)}
            if brands & HEIF_BRANDS:
                return "heif"
    return None


def _boxes_complete(data: bytes) -> bool:
    """Whether the top-level ISO-BMFF boxes tile the file exactly.

    libheif fills the tiles of a truncated HEIC with flat green instead of failing,
    so a cut-off upload has to be caught from the box sizes.
    """
    pos = 0
    while pos < len(data):
        if pos + 8 > len(data):
            return False
        size, header = int.from_bytes(data[pos : pos + 4], "big"), 8
        if size == 0:  # the last box runs to the end of the file
            return True
        if size == 1:
            size, header = int.from_bytes(data[pos + 8 : pos + 16], "big"), 16
        if size < header or pos + size > len(data):
            return False
        pos += size
    return True


def _jpeg_exif_segments(data: bytes) -> list[bytes]:
    """TIFF payloads of the APP1 Exif segments before the first scan."""
    found, pos = [], 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA or marker == 0xD9:
            break
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xE1 and data[pos + 4 : pos + 10] == b"Exif\x00\x00":
            found.append(data[pos + 10 : pos + 2 + length])
        pos += 2 + length
    return found


def _exif_orientation(tiff: bytes) -> int | None:
    """Orientation from IFD0 of a TIFF/EXIF block: 1 when absent, None when the block is broken."""
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None or len(tiff) < 8 or struct.unpack(order + "H", tiff[2:4])[0] != 42:
        return None
    offset = struct.unpack(order + "I", tiff[4:8])[0]
    if offset < 8 or offset + 2 > len(tiff):
        return None
    count = struct.unpack(order + "H", tiff[offset : offset + 2])[0]
    if offset + 2 + 12 * count > len(tiff):
        return None
    for n in range(count):
        tag, kind, _count, value = struct.unpack(order + "HHI4s", tiff[offset + 2 + 12 * n : offset + 14 + 12 * n])
        if tag == 0x0112:
            if kind == 3:  # SHORT, as the standard says
                orientation = struct.unpack(order + "H", value[:2])[0]
            elif kind == 4:  # LONG, from a few writers; if libvips reads it otherwise, the caller refuses
                orientation = struct.unpack(order + "I", value)[0]
            else:
                return None
            return orientation if 1 <= orientation <= 8 else None
    return 1


def _check_orientation(*, kind: str, data: bytes, header: pyvips.Image) -> None:
    """Refuse a photo whose upright orientation cannot be known for sure.

    libvips applies only the EXIF Orientation, and when an EXIF block is broken its
    parser quietly rebuilds a default one, so a rotated photo would be stored on its
    side. XMP may state an orientation too (tiff:Orientation), which Photoshop and
    Pillow-based tools honour but libvips and browsers ignore. When the two disagree,
    or only XMP states one (the EXIF block it was copied from is gone, as in a file
    re-saved by an editor from another document), readers disagree about which way
    is up, and a guess would publish a sideways photo: better refused.
    """
    if kind == "heif":
        return  # HEIF orientation lives in the container (irot/imir), applied by libheif itself.
    applied = header.get("orientation") if header.get_typeof("orientation") else 1
    exif_blocks = _jpeg_exif_segments(data) if kind == "jpeg" else []
    for block in exif_blocks:
        if _exif_orientation(block) != applied:
            raise _damaged_metadata()
    has_exif = bool(exif_blocks) or bool(header.get_typeof("exif-data"))
    xmp = header.get("xmp-data") if header.get_typeof("xmp-data") else b""
    stated = _XMP_ORIENTATION.search(xmp)
    if stated and (not has_exif or int(stated.group(1)) != applied):
        raise _damaged_metadata()


def _open_header(data: bytes) -> tuple[str, pyvips.Image]:
    """Sniff, check the byte and pixel limits, and read the header without decoding pixels."""
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise too_large_error()
    kind = sniff(data[:4096])
    if kind is None:
        raise UnsupportedMedia(_("Upload a photo in JPEG, PNG, WebP, HEIC or AVIF format."))
    if kind == "heif" and not _boxes_complete(data):
        raise _unreadable()
    try:
        header = pyvips.Image.new_from_buffer(data, "", access="sequential", fail_on="warning")
        loader = header.get("vips-loader")
        codec = header.get("heif-compression") if kind == "heif" else None
    except pyvips.Error:
        raise _unreadable() from None
    # Defence in depth: the sniffed type and libvips' own choice of decoder must agree.
    if not loader.startswith(LOADERS[kind]) or (kind == "heif" and codec not in HEIF_CODECS):
        raise UnsupportedMedia(_("Upload a photo in JPEG, PNG, WebP, HEIC or AVIF format."))
    if header.width * header.height > settings.MAX_IMAGE_PIXELS:
        raise InvalidInput(
            _("This image has too many pixels (at most %(mp)s megapixels).")
            % {"mp": settings.MAX_IMAGE_PIXELS // 1_000_000},
            code="too_many_pixels",
        )
    _check_orientation(kind=kind, data=data, header=header)
    return kind, header


def _upright_size(header: pyvips.Image) -> tuple[int, int]:
    orientation = header.get("orientation") if header.get_typeof("orientation") else 1
    return (header.height, header.width) if orientation in (5, 6, 7, 8) else (header.width, header.height)


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
        raise _unreadable() from None
    if (width, height) != (header.width, header.height) or bands not in (3, 4):
        raise _unreadable()
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


def _decode(data: bytes, *, kind: str, header: pyvips.Image, width: int, height: int, upscale: bool) -> pyvips.Image:
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
        else:
            # fail_on goes to the loader itself: thumbnail's own fail_on argument misses truncated JPEGs.
            image = pyvips.Image.thumbnail_buffer(data, width, option_string="fail_on=warning", **options)
        return _to_srgb(image).copy_memory()
    except pyvips.Error:
        raise _unreadable() from None


def _encode(image: pyvips.Image, *, fmt: str) -> bytes:
    keep = pyvips.enums.ForeignKeep.NONE
    if fmt == "webp":
        return image.webpsave_buffer(Q=WEBP_QUALITY, effort=WEBP_EFFORT, keep=keep)
    return image.jpegsave_buffer(Q=JPEG_QUALITY, interlace=True, optimize_coding=True, keep=keep)


def _blurhash(image: pyvips.Image) -> str:
    tiny = image.resize(min(1.0, BLURHASH_WIDTH / image.width))
    return blurhash.encode(rgb=bytes(tiny.write_to_memory()), width=tiny.width, height=tiny.height)


def process_photo(data: bytes) -> ProcessedPhoto:
    """Six clean variants (widths x WebP/JPEG, largest first) and a BlurHash of one uploaded photo.

    Raises TooLarge (413), UnsupportedMedia (415) or InvalidInput (422) for uploads that are refused.
    """
    kind, header = _open_header(data)
    upright_width, upright_height = _upright_size(header)
    ratio = min(MAX_RATIO, max(MIN_RATIO, upright_width / upright_height))
    # Too wide loses width; too tall keeps its width and loses height (in _height_for).
    crop_width = max(1, math.floor(upright_height * MAX_RATIO)) if ratio == MAX_RATIO else upright_width
    width = min(VARIANT_WIDTHS[0], crop_width)
    height = _height_for(width=width, ratio=ratio)
    base = _decode(data, kind=kind, header=header, width=width, height=height, upscale=False)
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
        raise _unreadable() from None
    return ProcessedPhoto(width=base.width, height=base.height, blurhash=placeholder, variants=variants)


def process_avatar(data: bytes) -> bytes:
    """A square JPEG avatar, AVATAR_SIZE wide, centre-cropped, with the same checks and cleaning as photos."""
    kind, header = _open_header(data)
    image = _decode(data, kind=kind, header=header, width=AVATAR_SIZE, height=AVATAR_SIZE, upscale=True)
    try:
        return _encode(image, fmt="jpg")
    except pyvips.Error:
        raise _unreadable() from None
