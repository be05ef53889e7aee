"""The photo pipeline written for Pillow at its fastest, as the baseline for bench/media.py.

Same outputs as vitrina.media.pipeline.process_photo: upright (EXIF orientation applied),
sRGB, centre-cropped into the 4:5-1.91:1 range, widths 1080, 640 and 320 in WebP and JPEG
with no metadata, and a BlurHash (for the formats Pillow opens; HEIC is left out). The output settings are repeated here rather than imported
so the baseline does not lean on the shipped module's internals; bench/media.py checks on
every run that both produce the same variant sizes and formats and no metadata.

What Pillow is given (SETTINGS below says the same in the stored result):
- draft: libjpeg's DCT scaling picks the smallest of 1/2, 1/4, 1/8 scale that still decodes
  at least the largest variant, so a 4000x3000 photo is decoded at 2000x1500. libvips is
  more careful: its thumbnail leaves a factor of two for the final resize, so for these
  photos (3.7x down to 1080) it decodes at full size. Pillow gets the cheaper decode.
- box + reducing_gap: crop and resize in one LANCZOS pass over the crop box, after a cheap
  integer reduce() when the ratio leaves room (only the BlurHash's 32 px does).
- order: resize first, then turn upright, convert to sRGB and flatten, all on the 1080 px
  image, as libvips' thumbnail does; 640 and 320 are made from the 1080 image, not the photo.
- encoders: WebP method 2 (libwebp's effort, the shipped WEBP_EFFORT), baseline JPEG, as the shipped
  jpegsave (the JPEG is the fallback beside WebP).
"""

import io
import math

from PIL import Image, ImageCms

from vitrina.media import blurhash

VARIANT_WIDTHS = (1080, 640, 320)
MIN_RATIO = 4 / 5
MAX_RATIO = 1.91
JPEG_QUALITY = 82
WEBP_QUALITY = 80
WEBP_METHOD = 2
BLURHASH_WIDTH = 32
# Pillow's thumbnail() default: reduce() by whole factors while at least 2x is left for LANCZOS.
REDUCING_GAP = 2.0

SETTINGS = {
    "draft": "JPEG decoded with DCT scaling at the smallest of 1/2, 1/4, 1/8 that is at least the 1080 px variant",
    "resize": f"LANCZOS over the crop box in one pass, reducing_gap={REDUCING_GAP}; 640 and 320 from the 1080 image",
    "order": "resize, then EXIF transpose, ICC to sRGB and alpha flatten on the 1080 px image",
    "webp": f"quality={WEBP_QUALITY}, method={WEBP_METHOD}",
    "jpeg": f"quality={JPEG_QUALITY}, baseline",
    "blurhash": f"{BLURHASH_WIDTH} px wide LANCZOS with reducing_gap from the 1080 image, vitrina.media.blurhash",
}

# The turn that makes each EXIF orientation upright (ImageOps.exif_transpose's table).
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
SRGB = ImageCms.createProfile("sRGB")


def _height_for(*, width: int, ratio: float) -> int:
    """Height for width at ratio, rounded but never leaving the allowed range (the shipped rule)."""
    return max(math.ceil(width / MAX_RATIO), min(math.floor(width / MIN_RATIO), round(width / ratio)))


def _target(width: int, height: int) -> tuple[int, int]:
    """Size of the largest variant of an upright width x height photo."""
    ratio = min(MAX_RATIO, max(MIN_RATIO, width / height))
    crop_width = max(1, math.floor(height * MAX_RATIO)) if ratio == MAX_RATIO else width
    target_width = min(VARIANT_WIDTHS[0], crop_width)
    return target_width, _height_for(width=target_width, ratio=ratio)


def _centre_box(*, size: tuple[int, int], target: tuple[int, int]) -> tuple[float, float, float, float]:
    """The centred part of an image of size that has target's aspect ratio and fills it."""
    scale = max(target[0] / size[0], target[1] / size[1])
    width, height = target[0] / scale, target[1] / scale
    left, top = max(0.0, (size[0] - width) / 2), max(0.0, (size[1] - height) / 2)  # rounding can dip below 0
    return left, top, min(size[0], left + width), min(size[1], top + height)


def _to_srgb(image: Image.Image, *, icc: bytes | None) -> Image.Image:
    if icc:
        image = ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(icc)), SRGB, outputMode="RGB")
    if image.mode in ("RGBA", "LA"):
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image.convert("RGB")


def _base(data: bytes) -> Image.Image:
    """The upright, cropped, sRGB image of the largest variant."""
    image = Image.open(io.BytesIO(data))
    orientation = image.getexif().get(0x0112, 1)
    turned = orientation in (5, 6, 7, 8)
    width, height = _target(*reversed(image.size)) if turned else _target(*image.size)
    # Geometry is worked out in stored orientation, so the turn is done on the small image.
    target = (height, width) if turned else (width, height)
    box = _centre_box(size=image.size, target=target)
    scale = max(target[0] / image.width, target[1] / image.height)
    full_size = image.size
    image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    image.load()
    if image.size != full_size:
        shrink = image.width / full_size[0], image.height / full_size[1]
        box = (box[0] * shrink[0], box[1] * shrink[1], box[2] * shrink[0], box[3] * shrink[1])
    icc = image.info.get("icc_profile")
    if image.mode in ("1", "P"):  # palette images resize with NEAREST only
        image = image.convert("RGBA")
    image = image.resize(target, Image.Resampling.LANCZOS, box=box, reducing_gap=REDUCING_GAP)
    if orientation in UPRIGHT:
        image = image.transpose(UPRIGHT[orientation])
    return _to_srgb(image, icc=icc)


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "webp":
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    else:
        image.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def process_photo(data: bytes) -> dict:
    base = _base(data)
    variants = []
    for target in VARIANT_WIDTHS:
        width = min(target, base.width)
        if variants and variants[-1][0] == width:
            variants.extend(variants[-2:])
            continue
        height = base.height if width == base.width else _height_for(width=width, ratio=base.width / base.height)
        image = base if width == base.width else base.resize((width, height), Image.Resampling.LANCZOS)
        variants.extend((width, height, fmt, _encode(image, fmt)) for fmt in ("webp", "jpg"))
    tiny_width = min(BLURHASH_WIDTH, base.width)
    tiny_height = max(1, round(tiny_width * base.height / base.width))
    tiny = base.resize((tiny_width, tiny_height), Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
    placeholder = blurhash.encode(rgb=tiny.tobytes(), width=tiny.width, height=tiny.height)
    return {"width": base.width, "height": base.height, "blurhash": placeholder, "variants": variants}
