"""Insights pages (thin: the numbers come from selectors.insights_for), the post-view beacon and the
website redirect."""

import csv
import re
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vitrina.core.api import error_body
from vitrina.core.errors import Forbidden, InvalidInput, NotFound, Throttled
from vitrina.core.http import client_ip
from vitrina.insights import charts, recording, selectors
from vitrina.insights import seen as seen_rule
from vitrina.insights.models import Kind
from vitrina.social import selectors as social_selectors

_ID = re.compile(r"[1-9][0-9]{0,15}")


def _insights(request):
    days = selectors.parse_days(request.GET.get("days")) or selectors.DEFAULT_DAYS
    try:
        return selectors.insights_for(request.user, request.user, days)
    except Forbidden as exc:
        raise PermissionDenied(str(exc.message)) from None


def _cards(data) -> list[dict]:
    """The overview: each number with its change against the previous period."""
    c = data.current
    cards = [
        ("views", _("Views"), c.views),
        ("reach", _("Accounts reached"), c.reach),
        ("frequency", _("Views per account"), c.frequency),
        ("engaged", _("Accounts engaged"), c.engaged),
        ("interactions", _("Interactions"), c.interactions),
        ("profile_visits", _("Profile visits"), c.profile_visits),
        ("website_taps", _("Website taps"), c.website_taps),
        ("net_follows", _("Net followers"), c.net_follows),
    ]
    return [{"key": key, "label": label, "value": value, "change": data.change(key)} for key, label, value in cards]


FUNNEL_LABELS = {
    "tag_taps": lambda: _("Product tag taps"),
    "product_views": lambda: _("Product views"),
    "add_to_cart": lambda: _("Added to cart"),
    "orders": lambda: _("Orders"),
}


@login_required
@require_GET
def insights_page(request):
    data = _insights(request)
    series = data.series
    funnel = [dict(step, label=FUNNEL_LABELS[step["step"]]()) for step in data.funnel]
    context = {
        "data": data,
        "cards": _cards(data),
        "periods": selectors.PERIODS,
        "views_chart": charts.lines_chart([d["views"] for d in series], [d["reach"] for d in series]),
        "follows_chart": charts.bars_chart([d["follows"] for d in series], [d["unfollows"] for d in series]),
        "funnel": funnel,
        "has_shop": hasattr(request.user, "shop"),
    }
    return render(request, "insights/page.html", context)


@login_required
@require_GET
def export_csv(request):
    """The period's days as CSV: one row a day, the columns of the daily series."""
    data = _insights(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="insights-{data.days}d.csv"'
    response.write("\ufeff")  # so a spreadsheet reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(["day", "views", "reach", "interactions", "follows", "unfollows", "followers"])
    for d in data.series:
        writer.writerow([d["day"].isoformat(), d["views"], d["reach"], d["interactions"], d["follows"],
                         d["unfollows"], "" if d["followers"] is None else d["followers"]])
    return response


@require_POST
def seen(request):
    """The beacon: `posts` (ids, comma-separated) that were on screen, and `source` (feed, profile,
    hashtag, explore); vitrina.insights.seen holds the rule, shared with the API."""
    raw = [part for part in request.POST.get("posts", "").split(",") if part]
    # Digits only here (no sign, no spaces); seen.checked bounds their number and size.
    post_ids = [int(part) if _ID.fullmatch(part) else None for part in raw]
    ident = request.user.pk if request.user.is_authenticated else f"ip:{client_ip(request)}"
    try:
        seen_rule.posts_seen(request.user, post_ids, request.POST.get("source", ""), ident=ident)
    except Throttled as exc:
        return JsonResponse(error_body(exc.code, exc.message), status=429, headers={"Retry-After": str(exc.retry_after)})
    except InvalidInput as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return HttpResponse(status=204)


@require_GET
def website_out(request, username):
    """A tap on a profile's website: counted, then a 302 to that account's own website and nowhere else
    (the target is never read from the request, so this is no open redirect)."""
    try:
        target = social_selectors.profile_get(viewer=request.user, username=username)
    except NotFound:
        raise Http404 from None
    website = target.website or ""
    if urlsplit(website).scheme not in ("http", "https") or not urlsplit(website).netloc:
        raise Http404
    recording.hit_by(request.user, kind=Kind.WEBSITE_TAP, account_id=target.pk, source="profile")
    return HttpResponseRedirect(website)
