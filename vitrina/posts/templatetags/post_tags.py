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


# The first two rows of a grid are on a phone's screen when the page opens; the rest load lazily.
GRID_EAGER = 6


@register.inclusion_tag("posts/_picture.html", takes_context=True)
def picture(context, media, sizes="(min-width: 640px) 600px, 100vw", position=0, lead=False, grid=False):
    """A <picture> with WebP and JPEG sources at every stored width, and signed URLs.

    What loads at once: the lead photo (position 0 of the post marked lead, the first on the
    page: its largest contentful paint), fetched first; and the first rows of a grid. Every
    other photo, later slides and later posts, loads lazily as it nears the screen, and so
    does everything on a later page (?cursor=, appended as the reader scrolls). A grid offers
    only its small widths.
    """
    request = context.get("request")
    later_page = bool(request and request.GET.get("cursor"))
    if grid:
        loading = "eager" if position < GRID_EAGER and not later_page else "lazy"
    else:
        loading = "lead" if lead and not position and not later_page else "lazy"
    widths = sorted(media.files.values(), key=lambda entry: entry["w"])
    if grid:
        widths = widths[:2]  # 320 and 640 are plenty for a third of a phone screen
    webp = ", ".join(f"{signed_url(e['webp'])} {e['w']}w" for e in widths if "webp" in e)
    jpg = ", ".join(f"{signed_url(e['jpg'])} {e['w']}w" for e in widths if "jpg" in e)
    fallback = signed_url(widths[-1]["jpg"]) if "jpg" in widths[-1] else ""
    return {"media": media, "webp": webp, "jpg": jpg, "fallback": fallback, "sizes": sizes, "loading": loading}


@register.filter
def carousel_frame(post) -> str:
    """The CSS class of the frame a post's carousel is shown in: the first photo's shape (posts.frames)."""
    first = next(iter(post.media.all()), None)
    return frame_class(first.width, first.height) if first else frame_class(1, 1)
