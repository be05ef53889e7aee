"""BlurHash encoder (https://blurha.sh): a ~30-character placeholder for a photo.

Pure Python and meant for tiny inputs (about 32 px wide): the cost grows with
pixels times components, so callers shrink the image first.
"""

import math

BASE83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"

# sRGB byte -> linear light, once for all 256 values.
_LINEAR = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in (i / 255 for i in range(256))]


def base83(*, value: int, length: int) -> str:
    return "".join(BASE83[(value // 83 ** (length - 1 - i)) % 83] for i in range(length))


def _to_srgb(value: float) -> int:
    v = min(1.0, max(0.0, value))
    if v <= 0.0031308:
        return int(v * 12.92 * 255 + 0.5)
    return int((1.055 * v ** (1 / 2.4) - 0.055) * 255 + 0.5)


def _sign_pow(value: float, exponent: float) -> float:
    return math.copysign(abs(value) ** exponent, value)


def encode(*, rgb: bytes, width: int, height: int, x_components: int = 4, y_components: int = 3) -> str:
    """BlurHash of packed 8-bit sRGB pixels (3 bytes each, row by row)."""
    if not (1 <= x_components <= 9 and 1 <= y_components <= 9):
        raise ValueError("BlurHash takes 1 to 9 components in each direction")
    if len(rgb) < width * height * 3 or width < 1 or height < 1:
        raise ValueError("rgb holds fewer pixels than width x height")
    red = [_LINEAR[b] for b in rgb[0 : width * height * 3 : 3]]
    green = [_LINEAR[b] for b in rgb[1 : width * height * 3 : 3]]
    blue = [_LINEAR[b] for b in rgb[2 : width * height * 3 : 3]]
    factors = []
    for j in range(y_components):
        cos_y = [math.cos(math.pi * j * y / height) for y in range(height)]
        for i in range(x_components):
            cos_x = [math.cos(math.pi * i * x / width) for x in range(width)]
            basis = [cy * cx for cy in cos_y for cx in cos_x]
            scale = (1 if i == j == 0 else 2) / (width * height)
            factors.append(tuple(scale * sum(b * c for b, c in zip(basis, channel)) for channel in (red, green, blue)))
    dc, ac = factors[0], factors[1:]
    parts = [base83(value=(x_components - 1) + (y_components - 1) * 9, length=1)]
    if ac:
        quantised_max = max(0, min(82, math.floor(max(abs(v) for f in ac for v in f) * 166 - 0.5)))
        maximum = (quantised_max + 1) / 166
    else:
        quantised_max, maximum = 0, 1.0
    parts.append(base83(value=quantised_max, length=1))
    parts.append(base83(value=(_to_srgb(dc[0]) << 16) + (_to_srgb(dc[1]) << 8) + _to_srgb(dc[2]), length=4))
    for factor in ac:
        r, g, b = (max(0, min(18, math.floor(_sign_pow(v / maximum, 0.5) * 9 + 9.5))) for v in factor)
        parts.append(base83(value=r * 19 * 19 + g * 19 + b, length=2))
    return "".join(parts)
