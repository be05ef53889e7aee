"""Decoding uploads safely: type from the bytes, limits before decoding, clean output.

Every image that Vitrina stores is decoded and re-encoded here, so no byte of
the uploaded file (EXIF, GPS, XMP, comments, appended scripts) reaches storage.
"""

import io
import secrets
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from vitrina.core.errors import InvalidInput, TooLarge, UnsupportedMedia

# Formats recognised by their first bytes; the file name and declared type are ignored.
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
AVATAR_SIZE = 320


def sniff_format(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def read_upload(upload) -> bytes:
    size = getattr(upload, "size", None)
    limit = settings.MAX_UPLOAD_BYTES
    if size is not None and size > limit:
        raise TooLarge(_("This file is too large. The limit is %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(_("This file is too large. The limit is %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    return data


def open_checked(data: bytes) -> Image.Image:
    """Open an image after checking its type and pixel count from the header only."""
    fmt = sniff_format(data[:16])
    if fmt not in ACCEPTED_FORMATS:
        raise UnsupportedMedia(_("Upload a JPEG, PNG or WebP photo."))
    too_many_pixels = InvalidInput(
        _("This image has too many pixels (at most %(mp)s megapixels).")
        % {"mp": settings.MAX_IMAGE_PIXELS // 1_000_000},
        code="too_many_pixels",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard fires on the header alone, above its (higher) limit.
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise InvalidInput(_("This file could not be read as an image."), code="unreadable_image") from None
    width, height = image.size
    if width * height > settings.MAX_IMAGE_PIXELS:
        raise too_many_pixels
    return image


def to_srgb_rgb(image: Image.Image) -> Image.Image:
    """Convert to 8-bit RGB in sRGB, flattening transparency onto white."""
    icc = image.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(
                image.convert("RGB") if image.mode not in ("RGB", "RGBA") else image,
                source,
                ImageCms.createProfile("sRGB"),
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
        except (ImageCms.PyCMSError, OSError):
            pass  # A broken profile is dropped; the pixels are still usable.
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def render_avatar(upload) -> bytes:
    """A square JPEG avatar, upright, sRGB, with no metadata."""
    image = open_checked(read_upload(upload))
    try:
        image.load()
        image = ImageOps.exif_transpose(image)
        image = to_srgb_rgb(image)
        image = ImageOps.fit(image, (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)
    except (OSError, SyntaxError, ValueError):
        raise InvalidInput(_("This file could not be read as an image."), code="unreadable_image") from None
    out = io.BytesIO()
    image.save(out, "JPEG", quality=86, optimize=True, progressive=True)
    return out.getvalue()


def store(content: bytes, *, folder: str, extension: str) -> str:
    """Save under a random, unguessable name; returns the storage name."""
    name = f"{folder}/{secrets.token_hex(2)}/{secrets.token_urlsafe(18)}.{extension}"
    return default_storage.save(name, ContentFile(content))


def delete_quietly(name: str) -> None:
    if name:
        try:
            default_storage.delete(name)
        except OSError:
            pass


def url_of(name: str) -> str:
    return default_storage.url(name) if name else ""
