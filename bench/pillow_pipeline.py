"""The photo pipeline written the plain Pillow way, as the baseline for bench/media.py.

Same outputs as vitrina.media.pipeline.process_photo (upright, sRGB, aspect range,
three widths in WebP and JPEG, a BlurHash) with no tuning: a full-size decode and a
LANCZOS resize from the full image for every width.
"""

import io

from PIL import Image, ImageCms, ImageOps

from vitrina.media import blurhash
from vitrina.media.pipeline import JPEG_QUALITY, MAX_RATIO, MIN_RATIO, VARIANT_WIDTHS, WEBP_QUALITY

SRGB = ImageCms.createProfile("sRGB")


def _to_srgb(image: Image.Image) -> Image.Image:
    icc = image.info.get("icc_profile")
    if icc:
        image = ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(icc)), SRGB, outputMode="RGB")
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image.convert("RGB")


def _crop_to_range(image: Image.Image) -> Image.Image:
    width, height = image.size
    ratio = min(MAX_RATIO, max(MIN_RATIO, width / height))
    crop_width, crop_height = min(width, round(height * ratio)), min(height, round(width / ratio))
    left, top = (width - crop_width) // 2, (height - crop_height) // 2
    return image.crop((left, top, left + crop_width, top + crop_height))


def process_photo(data: bytes) -> dict:
    image = Image.open(io.BytesIO(data))
    image = ImageOps.exif_transpose(image)
    image = _crop_to_range(_to_srgb(image))
    variants = []
    for target in VARIANT_WIDTHS:
        width = min(target, image.width)
        height = max(1, round(width * image.height / image.width))
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        for fmt, options in (("WEBP", {"quality": WEBP_QUALITY}),
                             ("JPEG", {"quality": JPEG_QUALITY, "optimize": True, "progressive": True})):
            out = io.BytesIO()
            resized.save(out, fmt, **options)
            variants.append((width, height, fmt, out.getvalue()))
    tiny = image.resize((32, max(1, round(32 * image.height / image.width))), Image.Resampling.BILINEAR)
    placeholder = blurhash.encode(rgb=tiny.tobytes(), width=tiny.width, height=tiny.height)
    return {"width": variants[0][0], "height": variants[0][1], "blurhash": placeholder, "variants": variants}
