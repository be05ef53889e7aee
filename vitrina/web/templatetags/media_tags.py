from django import template
from django.utils.html import format_html

from vitrina.media.images import url_of

register = template.Library()

# The rendered width of each avatar size (vitrina.css: .avatar-nav, -sm, -md, -lg), for `sizes`.
AVATAR_SIZES = {"nav": "26px", "sm": "44px", "md": "56px", "lg": "(min-width: 900px) 150px, 86px"}


@register.filter
def media_url(name: str) -> str:
    return url_of(name)


@register.simple_tag
def avatar_source(person, size: str = "md"):
    """The src (and srcset) attributes of a person's avatar <img>: the small WebPs where they
    exist, picked by the screen's density; else the JPEG (an avatar stored before them)."""
    small = person.avatar_small or {}
    if "96" in small and "192" in small:
        return format_html('src="{}" srcset="{} 96w, {} 192w" sizes="{}"', url_of(small["96"]), url_of(small["96"]),
                           url_of(small["192"]), AVATAR_SIZES.get(size, AVATAR_SIZES["md"]))
    return format_html('src="{}"', url_of(person.avatar))
