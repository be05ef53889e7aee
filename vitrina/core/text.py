"""What members type, made safe to store and show: one cleaning for every free-text field.

Invisible characters. Format characters (ZERO WIDTH SPACE, WORD JOINER, BOM, SOFT
HYPHEN, direction marks...), blank letters that fonts draw as nothing (HANGUL FILLER
and its relatives, BRAILLE PATTERN BLANK) and variation selectors render as nothing on
their own, so a comment or a name made only of them looks empty while passing a plain
emptiness check. Text with nothing visible is stored as "" (and refused where a value
is required). Inside visible text they stay: ZWJ/ZWNJ shape Bengali and emoji, and
marks steer right-to-left text.

Direction controls. The embeddings, overrides and isolates (U+202A-U+202E,
U+2066-U+2069) reorder what comes after them: "\u202egnp.exe" reads as "exe.png",
and an unclosed one can spill into the text next to it. Display names refuse them
(a name is an identity, so a spoofed one is an error the member should see, in
vitrina.accounts.services). Free text (bios, captions, comments, locations, alt
texts) has them removed instead: RTL keyboards and pasted text bring them in by
accident, refusing a whole comment for an invisible character helps no one, and the
marks LRM/RLM/ALM, which do not nest or override, still order mixed text well enough.
"""

import unicodedata

DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters and symbols that fonts draw as blank space.
BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Code points that change the glyph before them and show nothing on their own.
ATTACHED_INVISIBLE = frozenset("\u034f\u180b\u180c\u180d\u180f")
# Format characters that are drawn (Arabic number signs, end of ayah, Kaithi number sign...).
VISIBLE_FORMAT = frozenset("\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd")


def _is_variation_selector(ch: str) -> bool:
    return "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef"


def is_invisible(ch: str) -> bool:
    """True for a character that shows nothing by itself (whitespace included)."""
    category = unicodedata.category(ch)
    return (
        (category in ("Cf", "Cc", "Zs", "Zl", "Zp") and ch not in VISIBLE_FORMAT)
        or ch.isspace()
        or ch in BLANK_GLYPHS
        or ch in ATTACHED_INVISIBLE
        or _is_variation_selector(ch)
    )


def has_visible(text: str) -> bool:
    return any(not is_invisible(ch) for ch in text)


def has_direction_controls(text: str) -> bool:
    return any(ch in DIRECTION_CONTROLS for ch in text or "")


def _outer_invisible(ch: str) -> bool:
    # Variation selectors and the grapheme joiner belong to the character before them
    # (the VS16 of a trailing emoji), so only blanks and format characters go.
    return is_invisible(ch) and not _is_variation_selector(ch) and ch not in ATTACHED_INVISIBLE


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """NFC text without control characters or direction controls, trimmed of invisible
    characters at both ends (newlines kept inside where multiline); "" when nothing in
    it is visible."""
    value = unicodedata.normalize("NFC", value or "")
    kept = "".join(
        ch for ch in value
        if ((multiline and ch == "\n") or unicodedata.category(ch) not in ("Cc", "Cs"))
        and ch not in DIRECTION_CONTROLS
    )
    if not has_visible(kept):
        return ""
    start, end = 0, len(kept)
    while _outer_invisible(kept[start]):
        start += 1
    while _outer_invisible(kept[end - 1]):
        end -= 1
    return kept[start:end]
