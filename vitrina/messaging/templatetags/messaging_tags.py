"""Message text for the thread: escaped, with http(s) links made clickable and line breaks kept."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Only http and https: the text is split around them and every piece escaped, so no other scheme
# (javascript:, data:) and no markup in the text can become a link or an element.
LINK = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
TRAILING = ".,;:!?)]}»"


@register.filter
def message_text(text: str) -> str:
    parts, position = [], 0
    for match in LINK.finditer(text or ""):
        url = match.group(0).rstrip(TRAILING)
        if len(url) <= len("https://"):
            continue
        parts.append(escape(text[position:match.start()]))
        parts.append(format_html('<a href="{}" rel="nofollow noopener ugc" target="_blank">{}</a>', url, url))
        position = match.start() + len(url)
    parts.append(escape((text or "")[position:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))
