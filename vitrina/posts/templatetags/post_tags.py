from decimal import Decimal

from babel.numbers import format_currency
from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, to_locale

from vitrina.media.signing import signed_url
from vitrina.posts.frames import display_ratio, frame_class, point_in_frame
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


# --- Products tagged on photos (Post.product_tags, the snapshot the shop writes; posts only reads it) ---

def _place(x: float, y: float) -> str:
    """CSS classes that put a tag's dot at (x, y) of its slide (fractions), by whole percent (vitrina.css:
    inline styles are refused by the Content-Security-Policy), and its label where it fits."""
    side = " tag-from-left" if x < 0.3 else " tag-from-right" if x > 0.7 else ""
    return f"tag-x-{round(x * 100)} tag-y-{round(y * 100)}{side}{' tag-up' if y > 0.7 else ''}"


@register.filter
def tags_on(post, media) -> list[dict]:
    """The post's product tags on this photo, each with `place` (its CSS classes); a tag whose point
    the carousel's frame trims away is left out (the post's products sheet still lists it)."""
    tags = [tag for tag in post.product_tags or [] if tag["media_id"] == media.pk]
    if not tags or not media.width or not media.height:
        return []
    first = next(iter(post.media.all()))
    frame = display_ratio(first.width, first.height)
    shown = []
    for tag in tags:
        point = point_in_frame(tag["x"], tag["y"], photo_ratio=media.width / media.height, frame_ratio=frame)
        if point is not None:
            shown.append({**tag, "place": _place(*point)})
    return shown


@register.filter
def tagged_products(post) -> list[dict]:
    """The products tagged on the post, each once, in the order of their tags."""
    products = {}
    for tag in post.product_tags or []:
        products.setdefault(tag["product"]["id"], tag["product"])
    return list(products.values())


@register.filter
def tag_price(product: dict) -> str:
    """A tagged product's price for the reader's language. The same Babel call as
    vitrina.shop.money.format_money (posts may not import the shop; a test holds the two equal)."""
    return format_currency(Decimal(product["price"]), product["currency"], locale=to_locale(get_language() or "en"),
                           currency_digits=True, format_type="standard")
