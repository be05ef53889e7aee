from django import template

from vitrina.media.images import url_of

register = template.Library()


@register.filter
def media_url(name: str) -> str:
    return url_of(name)
