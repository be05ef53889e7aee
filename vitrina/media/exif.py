"""Which way up a photo is: the orientation libvips will apply, and the refusal of photos that disagree about it."""

import re
import struct

import pyvips
from django.utils.translation import gettext_lazy as _

from vitrina.core.errors import InvalidInput

_XMP_ORIENTATION = re.compile(rb"tiff:Orientation\s*(?:=\s*[\"']|>)\s*(\d+)")


def _damaged_metadata() -> InvalidInput:
    return InvalidInput(
        _("This photo's orientation data is damaged, so it cannot be shown the right way up. "
          "Export it again from your photo app."),
        code="damaged_metadata",
    )


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


def applied_orientation(header: pyvips.Image) -> int:
    """The EXIF orientation (1-8) libvips turns the photo by when it decodes it."""
    return header.get("orientation") if header.get_typeof("orientation") else 1


def upright_size(header: pyvips.Image) -> tuple[int, int]:
    """Width and height once turned upright: orientations 5-8 swap them."""
    if applied_orientation(header) in (5, 6, 7, 8):
        return header.height, header.width
    return header.width, header.height


def check_orientation(*, kind: str, data: bytes, header: pyvips.Image) -> None:
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
    applied = applied_orientation(header)
    exif_blocks = _jpeg_exif_segments(data) if kind == "jpeg" else []
    for block in exif_blocks:
        if _exif_orientation(block) != applied:
            raise _damaged_metadata()
    has_exif = bool(exif_blocks) or bool(header.get_typeof("exif-data"))
    xmp = header.get("xmp-data") if header.get_typeof("xmp-data") else b""
    stated = _XMP_ORIENTATION.search(xmp)
    if stated and (not has_exif or int(stated.group(1)) != applied):
        raise _damaged_metadata()
