"""The design system's template tags: {% icon %} draws one symbol of the SVG sprite (web/icons.svg)."""

import re
from functools import cache
from pathlib import Path

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

SPRITE = Path(__file__).resolve().parent.parent / "static" / "web" / "icons.svg"


@cache
def icon_names() -> frozenset[str]:
    return frozenset(re.findall(r'<symbol id="([a-z0-9-]+)"', SPRITE.read_text()))


@register.simple_tag
def icon(name: str, label: str = "", filled: bool = False, size: str = ""):
    """An icon from the sprite; decorative (hidden from screen readers) unless it has a label.

    An unknown name fails the render at once: a typo must not ship as an empty box.
    """
    if name not in icon_names():
        raise template.TemplateSyntaxError(f"No icon {name!r} in web/icons.svg (scripts/build_icons.py)")
    classes = "icon" + (" filled" if filled else "") + (f" icon-{size}" if size else "")
    href = f"{static('web/icons.svg')}#{name}"
    if label:
        return format_html('<svg class="{}" role="img" aria-label="{}" focusable="false"><use href="{}"></use></svg>',
                           classes, label, href)
    return format_html('<svg class="{}" aria-hidden="true" focusable="false"><use href="{}"></use></svg>', classes, href)
