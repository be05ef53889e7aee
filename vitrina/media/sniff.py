"""The type of an upload from its own bytes, never from its name or the Content-Type it came with."""

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}


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


def boxes_complete(data: bytes) -> bool:
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
