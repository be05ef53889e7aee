"""The frame of a post's photos: the one aspect ratio a carousel is shown in.

Like Instagram, the first photo sets the frame and the others are fitted into it. A member picks the
frame when creating a post (FrameChoice) and places each photo in it; the browser sends where, as a
crop box in fractions of the upright photo (parse_crop). Posts made without that (no JavaScript, the
API, posts from before) may mix shapes: pages then show them in the first photo's frame
(frame_class), each photo covering it, never with bars.
"""

import math
import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from vitrina.media.crop import CropBox
from vitrina.media.pipeline import MAX_RATIO, MIN_RATIO


class FrameChoice(models.TextChoices):
    ORIGINAL = "original", _("Original")
    SQUARE = "square", _("Square")
    PORTRAIT = "portrait", _("4:5")


# Width / height of each fixed frame; ORIGINAL is the first photo's own (clamped) ratio.
FIXED_RATIOS = {FrameChoice.SQUARE: 1.0, FrameChoice.PORTRAIT: 4 / 5}

# The frames pages can draw, as CSS classes `frame-<ratio x 100>` (vitrina.css): inline style
# attributes are refused by the Content-Security-Policy, so a carousel's aspect-ratio comes from
# the nearest of these. They include the common camera shapes (4:3, 3:2, 16:9); between them the
# steps are small enough that covering the frame trims at most 3.5% of the first photo's width or height.
DISPLAY_RATIOS = (0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2, 1.25, 4 / 3, 1.4, 1.5, 1.6, 1.7, 16 / 9, 1.85, 1.91)


def clamp_ratio(ratio: float) -> float:
    """A photo's ratio within the range posts keep (from 4:5 portrait to 1.91:1 landscape)."""
    return min(MAX_RATIO, max(MIN_RATIO, ratio))


def display_ratio(width: int, height: int) -> float:
    """Width / height of the frame pages draw for a first photo of width x height (one of DISPLAY_RATIOS)."""
    ratio = clamp_ratio(width / height) if width > 0 and height > 0 else 1.0
    return min(DISPLAY_RATIOS, key=lambda shown: abs(math.log(shown / ratio)))


def frame_class(width: int, height: int) -> str:
    """The CSS class of the frame for a first photo of width x height (any size; clamped to the range)."""
    return f"frame-{round(display_ratio(width, height) * 100)}"


# A frame trims at most 3.5% of a first photo (DISPLAY_RATIOS): a point that close past the edge is
# shown at the edge rather than hidden.
POINT_SLACK = 0.04


def point_in_frame(x: float, y: float, *, photo_ratio: float, frame_ratio: float) -> tuple[float, float] | None:
    """Where a point of a photo (fractions of its width and height) is shown in a frame the photo
    covers, centred (object-fit: cover); None when the frame trims it away."""
    if photo_ratio > frame_ratio:  # wider than the frame: its sides are trimmed
        shown = frame_ratio / photo_ratio
        x = (x - (1 - shown) / 2) / shown
    elif photo_ratio < frame_ratio:  # taller: its top and bottom are trimmed
        shown = photo_ratio / frame_ratio
        y = (y - (1 - shown) / 2) / shown
    if not (-POINT_SLACK <= x <= 1 + POINT_SLACK and -POINT_SLACK <= y <= 1 + POINT_SLACK):
        return None
    return min(1.0, max(0.0, x)), min(1.0, max(0.0, y))


# Sent for a photo the browser could not measure (it cannot show HEIC, for one): centred in the frame.
CENTER = "center"
# A fraction in plain decimals, 0 to 1: no signs, exponents, NaN or infinity. Twelve digits place a
# box to the pixel on any photo with room to spare.
_FRACTION = re.compile(r"(?:[01](?:\.\d{1,12})?|\.\d{1,12})")


def parse_crop(value) -> CropBox | None:
    """A crop box from "x,y,width,height" (fractions of the upright photo, 0..1), None from "center";
    ValueError for anything else."""
    if value == CENTER:
        return None
    parts = value.split(",") if isinstance(value, str) else []
    if len(parts) != 4 or not all(_FRACTION.fullmatch(part) for part in parts):
        raise ValueError("a crop box is four fractions")
    x, y, width, height = (float(part) for part in parts)
    # A browser's rounding may put an edge a hair past 1.
    slack = 1e-5
    if width <= 0 or height <= 0 or x + width > 1 + slack or y + height > 1 + slack:
        raise ValueError("outside the photo")
    return CropBox(x, y, min(width, 1 - x), min(height, 1 - y))
