"""Everything refused before a pixel is decoded: bytes, type, header, pixel count, orientation.

Each refusal is a clear 4xx: too many bytes 413, a type not accepted 415, a header
that cannot be read, too many pixels or an uncertain orientation 422.
"""

import pyvips
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vitrina.core.errors import InvalidInput, TooLarge, UnsupportedMedia
from vitrina.media.exif import check_orientation
from vitrina.media.sniff import boxes_complete, sniff

LOADERS = {"jpeg": "jpegload", "png": "pngload", "webp": "webpload", "heif": "heifload"}
# libheif also reads JPEG-, VVC- and uncompressed-coded HEIF; phones write HEVC or AV1, so only those are decoded.
HEIF_CODECS = {"hevc", "av1"}


def too_large_error() -> TooLarge:
    limit = settings.MAX_UPLOAD_BYTES
    return TooLarge(_("This file is too large. The limit is %(mb)s MB.") % {"mb": limit // (1024 * 1024)})


def unreadable() -> InvalidInput:
    return InvalidInput(_("This file could not be read as an image."), code="unreadable_image")


def _unsupported() -> UnsupportedMedia:
    return UnsupportedMedia(_("Upload a photo in JPEG, PNG, WebP, HEIC or AVIF format."))


def open_header(data: bytes) -> tuple[str, pyvips.Image]:
    """Sniff, check the byte and pixel limits, and read the header without decoding pixels."""
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise too_large_error()
    kind = sniff(data[:4096])
    if kind is None:
        raise _unsupported()
    if kind == "heif" and not boxes_complete(data):
        raise unreadable()
    try:
        header = pyvips.Image.new_from_buffer(data, "", access="sequential", fail_on="warning")
        loader = header.get("vips-loader")
        codec = header.get("heif-compression") if kind == "heif" else None
    except pyvips.Error:
        raise unreadable() from None
    # Defence in depth: the sniffed type and libvips' own choice of decoder must agree.
    if not loader.startswith(LOADERS[kind]) or (kind == "heif" and codec not in HEIF_CODECS):
        raise _unsupported()
    if header.width * header.height > settings.MAX_IMAGE_PIXELS:
        raise InvalidInput(
            _("This image has too many pixels (at most %(mp)s megapixels).")
            % {"mp": settings.MAX_IMAGE_PIXELS // 1_000_000},
            code="too_many_pixels",
        )
    check_orientation(kind=kind, data=data, header=header)
    return kind, header
