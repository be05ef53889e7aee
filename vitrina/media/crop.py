"""A photo cut to a box of a given shape, before the variant pipeline (vitrina.media.pipeline).

Boxes are fractions of the photo as it is seen, upright (EXIF orientation applied), which is how
browsers show it to the member who places it. The cut photo goes on to process_photo like any
upload, as a lossless PNG no wider than the largest variant: the pipeline's own checks, sizes and
cleaning apply to it unchanged.
"""

import math
from dataclasses import dataclass

import pyvips

from vitrina.media import pipeline
from vitrina.media.exif import upright_size
from vitrina.media.header import open_header, unreadable

# A box drawn by hand in a browser is placed in fractions rounded to a few digits; its shape may
# be this far (relative) from the frame's, or one pixel on a small photo, and still be the frame.
RATIO_TOLERANCE = 0.01
# zlib level 1: the PNG is read once, right away; packing it harder costs time for nothing.
PNG_COMPRESSION = 1


@dataclass(frozen=True)
class CropBox:
    """A part of the upright photo, in fractions of its width and height: 0 <= x < x + width <= 1."""

    x: float
    y: float
    width: float
    height: float


class BoxMismatch(ValueError):
    """The box is not of the frame's shape, or holds no whole pixel."""


def upright_ratio(data: bytes) -> float:
    """Width / height of the photo turned upright (its header only; the same refusals as the pipeline)."""
    _kind, header = open_header(data)
    width, height = upright_size(header)
    return width / height


def _centred(*, width: int, height: int, ratio: float) -> tuple[int, int, int, int]:
    """The largest box of this ratio in the middle of width x height pixels."""
    if width / height > ratio:
        box_width = max(1, min(width, round(height * ratio)))
        return (width - box_width) // 2, 0, box_width, height
    box_height = max(1, min(height, round(width / ratio)))
    return 0, (height - box_height) // 2, width, box_height


def pixel_box(*, width: int, height: int, box: CropBox | None, ratio: float) -> tuple[int, int, int, int]:
    """(left, top, width, height) in pixels of the upright photo, of exactly `ratio` as far as whole
    pixels allow; `box` None is the centred one. BoxMismatch if the box is not of the ratio."""
    if box is None:
        return _centred(width=width, height=height, ratio=ratio)
    left, top = round(box.x * width), round(box.y * height)
    box_width, box_height = round(box.width * width), round(box.height * height)
    if box_width < 1 or box_height < 1:
        raise BoxMismatch("no whole pixel")
    wanted = box_width / ratio
    if abs(box_height - wanted) > max(1.0, RATIO_TOLERANCE * wanted):
        raise BoxMismatch(f"{box_width}x{box_height} is not {ratio:.3f}")
    # Exactly the ratio, inside the photo: the height follows the width, the box moves in if it must.
    box_height = min(height, max(1, round(box_width / ratio)))
    box_width = min(width, box_width, max(1, round(box_height * ratio)))
    left, top = min(left, width - box_width), min(top, height - box_height)
    return left, top, box_width, box_height


def crop_photo(data: bytes, *, box: CropBox | None, ratio: float) -> bytes:
    """The upload cut to `box` (None: centred) of shape `ratio`, as a PNG for pipeline.process_photo.

    A box that is the whole photo returns the upload as it is. Raises BoxMismatch for a box not of
    the ratio, and the pipeline's TooLarge, UnsupportedMedia or InvalidInput for uploads it refuses.
    """
    kind, header = open_header(data)
    width, height = upright_size(header)
    left, top, box_width, box_height = pixel_box(width=width, height=height, box=box, ratio=ratio)
    if (left, top, box_width, box_height) == (0, 0, width, height):
        return data
    # Decoded upright and in sRGB by the pipeline's own decoder (HEIC included), shrunk on load
    # as far as the box still has the largest variant's width.
    scale = min(1.0, pipeline.VARIANT_WIDTHS[0] / box_width)
    whole = pipeline.decode(data, kind=kind, header=header, width=max(1, round(width * scale)),
                             height=max(1, round(height * scale)), upscale=False)
    x_scale, y_scale = whole.width / width, whole.height / height
    out_width = min(pipeline.VARIANT_WIDTHS[0], box_width)
    out_height = max(1, round(out_width * box_height / box_width))
    try:
        region_left, region_top = math.floor(left * x_scale), math.floor(top * y_scale)
        region_width = max(1, min(whole.width - region_left, round(box_width * x_scale)))
        region_height = max(1, min(whole.height - region_top, round(box_height * y_scale)))
        region = whole.crop(region_left, region_top, region_width, region_height)
        if (region.width, region.height) != (out_width, out_height):
            region = region.thumbnail_image(out_width, height=out_height, size="force", no_rotate=True)
        return region.pngsave_buffer(compression=PNG_COMPRESSION, keep=pyvips.enums.ForeignKeep.NONE)
    except pyvips.Error:
        raise unreadable() from None
