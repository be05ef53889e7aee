"""Hashtags and @mentions in captions and comments.

A hashtag is `#` then letters of any script with their combining marks (so
#কলকাতা keeps its vowel signs, which Python's \\w drops), digits and `_`, and
at least one character that is not a digit (#2024 is not a tag, as people expect).

A tag has two forms. Its name, as first typed (NFC, case-folded), keeps the zero-width
joiners (ZWJ/ZWNJ) that choose how Bengali and other Indic conjuncts are drawn; its key,
the name without them, is what tags are looked up and told apart by, since keyboards
differ in whether they put them in, and #কর্ম typed either way is one word to a reader.
"""

import re
import unicodedata

from vitrina.accounts.validators import USERNAME_MAX
from vitrina.core.text import BLANK_GLYPHS

HASHTAG_MAX_LENGTH = 100
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9._]{1,30})")
JOINERS = {"\u200c", "\u200d"}  # ZWNJ/ZWJ shape Indic words inside a tag


def _is_tag_char(ch: str) -> bool:
    if ch in BLANK_GLYPHS:  # letters drawn as nothing (HANGUL FILLER): a tag of them looks empty
        return False
    return ch == "_" or ch in JOINERS or unicodedata.category(ch)[0] in ("L", "M") or unicodedata.category(ch) == "Nd"


def _is_boundary(text: str, index: int) -> bool:
    """A tag or mention starts at the beginning or after something that is not part of a word."""
    return index == 0 or not (_is_tag_char(text[index - 1]) or text[index - 1] in "#@&")


def hashtag_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, tag) for each hashtag, `start` at the `#`, tag as written."""
    spans = []
    i = 0
    while i < len(text):
        if text[i] == "#" and _is_boundary(text, i):
            j = i + 1
            while j < len(text) and _is_tag_char(text[j]):
                j += 1
            tag = text[i + 1 : j].strip("\u200c\u200d")
            if (tag and not tag.isdigit() and len(normalize_tag(tag)) <= HASHTAG_MAX_LENGTH
                    and unicodedata.category(tag[0])[0] != "M"):
                spans.append((i, j, tag))
            i = max(j, i + 1)
        else:
            i += 1
    return spans


def normalize_tag(tag: str) -> str:
    """The name of a tag as typed: NFC and case-folded (#Москва is #москва), joiners kept."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", tag).casefold())


def hashtag_key(tag: str) -> str:
    """What tells tags apart: the name without ZWJ/ZWNJ (NFC again, as removing one may let
    the characters around it compose)."""
    name = normalize_tag(tag)
    return unicodedata.normalize("NFC", "".join(ch for ch in name if ch not in JOINERS))


def hashtags_in(text: str) -> list[tuple[str, str]]:
    """(key, name) of each distinct tag, in order of first use, named as first typed."""
    seen: dict[str, str] = {}
    for _start, _end, tag in hashtag_spans(text):
        seen.setdefault(hashtag_key(tag), normalize_tag(tag))
    return list(seen.items())


def mention_spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for match in MENTION_RE.finditer(text):
        name = match.group(1).rstrip(".")  # "@anna." at the end of a sentence
        if name and len(name) <= USERNAME_MAX:
            spans.append((match.start(), match.start() + 1 + len(name), name.lower()))
    return spans


def mentions_in(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for _start, _end, name in mention_spans(text):
        seen.setdefault(name, None)
    return list(seen)
