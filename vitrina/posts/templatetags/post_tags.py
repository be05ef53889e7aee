from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from vitrina.media.signing import signed_url
from vitrina.posts.frames import frame_class
from vitrina.posts.text import hashtag_spans, mention_spans, normalize_tag

register = template.Library()


@register.filter
def linkify(text: str) -> str:
    """Caption or comment as HTML: escaped, with #tags and @mentions linked."""
    text = text or ""
    spans = [(s, e, "tag", t) for s, e, t in hashtag_spans(text)] + [(s, e, "user", n) for s, e, n in mention_spans(text)]
    spans.sort()
    out, pos = [], 0
    for start, end, kind, value in spans:
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        if kind == "tag":
            href = reverse("posts:hashtag", args=[normalize_tag(value)])
        else:
            href = reverse("profile", args=[value])
        out.append(f'<a href="{escape(href)}">{escape(text[start:end])}</a>')
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out).replace("\n", "<br>"))


@register.inclusion_tag("posts/_picture.html")
def picture(media, sizes="(min-width: 640px) 600px, 100vw", lazy=True, grid=False):
    """A <picture> with WebP and JPEG sources at every stored width, and signed URLs."""
    widths = sorted(media.files.values(), key=lambda entry: entry["w"])
    if grid:
        widths = widths[:2]  # 320 and 640 are plenty for a third of a phone screen
    webp = ", ".join(f"{signed_url(e['webp'])} {e['w']}w" for e in widths if "webp" in e)
    jpg = ", ".join(f"{signed_url(e['jpg'])} {e['w']}w" for e in widths if "jpg" in e)
    fallback = signed_url(widths[-1]["jpg"]) if "jpg" in widths[-1] else ""
    return {"media": media, "webp": webp, "jpg": jpg, "fallback": fallback, "sizes": sizes, "lazy": lazy}


@register.filter
def carousel_frame(post) -> str:
    """The CSS class of the frame a post's carousel is shown in: the first photo's shape (posts.frames)."""
    first = next(iter(post.media.all()), None)
    return frame_class(first.width, first.height) if first else frame_class(1, 1)
