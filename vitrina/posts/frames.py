"""The frame of a post's photos: the one aspect ratio a carousel is shown in.

Like Instagram, the first photo sets the frame and the others are fitted into it. Posts may mix
shapes: pages show them in the first photo's frame (frame_class), each photo covering it, never
with bars.
"""

import math

from vitrina.media.pipeline import MAX_RATIO, MIN_RATIO


# The frames pages can draw, as CSS classes `frame-<ratio x 100>` (vitrina.css): inline style
# attributes are refused by the Content-Security-Policy, so a carousel's aspect-ratio comes from
# the nearest of these. They include the common camera shapes (4:3, 3:2, 16:9); between them the
# steps are small enough that covering the frame trims at most ~2% of the first photo.
DISPLAY_RATIOS = (0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2, 1.25, 4 / 3, 1.4, 1.5, 1.6, 1.7, 16 / 9, 1.85, 1.91)


def clamp_ratio(ratio: float) -> float:
    """A photo's ratio within the range posts keep (from 4:5 portrait to 1.91:1 landscape)."""
    return min(MAX_RATIO, max(MIN_RATIO, ratio))


def frame_class(width: int, height: int) -> str:
    """The CSS class of the frame for a first photo of width x height (any size; clamped to the range)."""
    ratio = clamp_ratio(width / height) if width > 0 and height > 0 else 1.0
    nearest = min(DISPLAY_RATIOS, key=lambda shown: abs(math.log(shown / ratio)))
    return f"frame-{round(nearest * 100)}"
