"""GET /me/insights (shared/API.md, Insights and rating): the numbers of the insights page, from the same
selector, for the signed-in creator or business account. POST /insights/seen: the posts a phone app
showed on screen, counted as views by the same rule as the web page's beacon (vitrina.insights.seen)."""

from datetime import date

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import StrictInt

from vitrina.accounts.auth import REQUIRED
from vitrina.core.errors import InvalidInput
from vitrina.insights import seen, selectors

router = Router(tags=["insights"])


class TotalsOut(Schema):
    start: date
    end: date
    views: int
    reach: int | None  # None: the period is older than the raw hits are kept
    frequency: float | None
    engaged: int
    interactions: int
    profile_visits: int
    website_taps: int
    tag_taps: int
    product_views: int
    add_to_cart: int
    orders: int
    revenue: dict[str, str]  # {"RUB": "1200.00"}: a decimal string per currency
    follows: int
    unfollows: int
    net_follows: int
    growth_percent: float | None
    followers_start: int
    followers_end: int


class DayOut(Schema):
    day: date
    views: int
    reach: int
    interactions: int
    follows: int
    unfollows: int
    followers: int | None


class TopPostOut(Schema):
    post_id: int
    caption: str
    reach: int
    views: int
    interactions: int


class ShareOut(Schema):
    name: str
    share: float  # percent of the followers


class AudienceOut(Schema):
    followers: int
    active_share: float  # percent of followers active in the last 30 days
    cities: list[ShareOut]
    account_types: list[ShareOut]


class FunnelStepOut(Schema):
    step: str  # tag_taps, product_views, add_to_cart, orders
    count: int
    conversion: float | None  # percent of the step before


class InsightsOut(Schema):
    account: str
    days: int
    current: TotalsOut
    previous: TotalsOut
    engagement_rate: float | None  # percent
    top_posts_by_reach: list[TopPostOut]
    top_posts_by_engagement: list[TopPostOut]
    audience: AudienceOut | None  # None below audience_min_followers
    audience_min_followers: int
    funnel: list[FunnelStepOut]
    series: list[DayOut]


def _totals(t) -> dict:
    return {name: getattr(t, name) for name in TotalsOut.model_fields}


def insights_data(data) -> dict:
    audience = data.audience
    if audience is not None:
        audience = {"followers": audience["followers"], "active_share": audience["active_share"],
                    "cities": [{"name": c["city"], "share": c["share"]} for c in audience["cities"]],
                    "account_types": [{"name": t["account_type"], "share": t["share"]}
                                      for t in audience["account_types"]]}
    return {"account": data.account.username, "days": data.days, "current": _totals(data.current),
            "previous": _totals(data.previous), "engagement_rate": data.engagement_rate,
            "top_posts_by_reach": data.top_by_reach, "top_posts_by_engagement": data.top_by_engagement,
            "audience": audience, "audience_min_followers": data.min_audience, "funnel": data.funnel,
            "series": data.series}


@router.get("/me/insights", response=InsightsOut, auth=REQUIRED)
def me_insights(request, days: int = selectors.DEFAULT_DAYS):
    """The last 7, 28 or 90 days against the period before (422 for other days; 403 for personal accounts)."""
    if days not in selectors.PERIODS:
        message = _("Choose 7, 28 or 90 days.")
        raise InvalidInput(message, fields={"days": [message]})
    return insights_data(selectors.insights_for(request.auth, request.auth, days))


class SeenIn(Schema):
    posts: list[StrictInt] = Field(description=f"ids of the posts that were on screen, 1 to {seen.MAX_SEEN}")
    source: str = Field(description="where they were shown: feed, profile, hashtag or explore")


@router.post("/insights/seen", response={204: None}, auth=REQUIRED)
def posts_seen(request, payload: SeenIn):
    """Posts a phone app showed on screen (a feed page, a profile grid, a hashtag, Explore), reported in
    batches: a view of each, once per reader and post an hour. Posts the reader may not see are ignored
    without a word; 422 for anything crafted (nothing is then recorded), 429 past the limit. A signed-in
    account's call, like every write of the API (signed-out web visitors' views come from the page's beacon)."""
    seen.posts_seen(request.auth, payload.posts, payload.source, ident=request.auth.pk)
    return Status(204, None)
