"""The published formula of the rating: its version, terms, weights and thresholds, in one place.

services.py computes with these names and numbers and the methodology page renders them, so the page
cannot drift from what is computed. Change anything that moves a score: raise FORMULA_VERSION.

Percentile of a value within its (category, band) group: the share of the group's other accounts with
a value for that input that this value beats, ties counting half, 0..100 (a group of one: 50).
For an input where lower is better (refunds, the audience shares, follow spikes) beating means lower.
An input without enough data has no value and no percentile. A component is the mean of the
percentiles it has (audience quality: its own 0..100 formula), the overall score the weighted mean
of the components the account has, the weights taken over those components only; an account with no
component is shown but not ranked.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A follower is active when they logged in or opened their feed this recently (one rule with insights).
from vitrina.accounts.selectors import ACTIVE_DAYS  # noqa: F401 - the formula's published term

FORMULA_VERSION = "1.0"

WINDOW_DAYS = 28  # engagement, growth, conversion and follow spikes look this far back
MASS_FOLLOWING = 1500  # a "mass follower" follows more accounts than this
BURST_MIN = 20  # a signup hour cohort of at least this many of an account's followers ...
BURST_SHARE = 0.05  # ... that is also at least this share of them is a burst
MIN_FOLLOWERS = 10  # engaged ratio and growth need at least this many followers
MIN_AUDIENCE = 3  # the audience shares need at least this many (a small shop's audience is rated too)
MIN_POSTS = 3  # posts with reach in the window, for the median interactions ÷ reach
MIN_DAYS = 3  # days with recorded activity in the window, for the median engaged ÷ followers
MIN_PRODUCT_VIEWS = 20
ORDER_WINDOW_DAYS = 90  # on-time and refund rates look at orders placed this far back
ON_TIME_DAYS = 3  # shipped within this many days of placement is on time
MIN_ORDERS = 5
MIN_REVIEWS = 3
INACTIVE_FLAG = 0.7
MASS_FLAG = 0.2
BURST_FLAG = 0.25
SPIKE_Z = 3.0
SPIKE_MIN_FOLLOWS = 20  # a day needs at least this many follows to be a spike
# Audience quality = 100 − these × the shares, − the spike penalty when flagged, kept within 0..100.
AUDIENCE_WEIGHTS = {"inactive_share": 40, "mass_followers_share": 30, "burst_or_empty_share": 30}
SPIKE_PENALTY = 15

ENGAGEMENT, GROWTH, AUDIENCE, COMMERCE = "engagement", "growth", "audience", "commerce"
WEIGHTS = {ENGAGEMENT: 0.35, GROWTH: 0.15, AUDIENCE: 0.30, COMMERCE: 0.20}


@dataclass(frozen=True)
class Term:
    name: str
    component: str
    higher_is_better: bool
    label: object  # lazy text
    text: object  # lazy text with %(...)s of the numbers above
    unit: str = ""  # "%" shows a 0..1 share as a percentage

    def description(self) -> str:
        return str(self.text) % NUMBERS


NUMBERS = {name: value for name, value in globals().items() if name.isupper() and isinstance(value, int | float)}
NUMBERS.update({"BURST_SHARE_PCT": round(BURST_SHARE * 100), "INACTIVE_FLAG_PCT": round(INACTIVE_FLAG * 100),
                "MASS_FLAG_PCT": round(MASS_FLAG * 100), "BURST_FLAG_PCT": round(BURST_FLAG * 100)})

INPUTS = (
    Term("post_engagement", ENGAGEMENT, True, gettext_lazy("Interactions per post ÷ reach"), gettext_lazy(
        "For each post of the last %(WINDOW_DAYS)s days: its likes, comments, saves and shares divided by the "
        "accounts it reached; the median over the posts, so one viral post cannot dominate. Needs "
        "%(MIN_POSTS)s posts with reach."), "%"),
    Term("engaged_ratio", ENGAGEMENT, True, gettext_lazy("Engaged accounts ÷ followers"), gettext_lazy(
        "For each day of the last %(WINDOW_DAYS)s with recorded activity: the accounts that interacted divided "
        "by the followers that day; the median over the days. Needs %(MIN_DAYS)s such days and "
        "%(MIN_FOLLOWERS)s followers."), "%"),
    Term("growth", GROWTH, True, gettext_lazy("Follower growth"), gettext_lazy(
        "Follows minus unfollows over the last %(WINDOW_DAYS)s days, as a percentage of the followers before "
        "them. Needs %(MIN_FOLLOWERS)s followers at the start."), "%"),
    Term("inactive_share", AUDIENCE, False, gettext_lazy("Inactive followers"), gettext_lazy(
        "Followers who have neither logged in nor opened their feed in the last %(ACTIVE_DAYS)s days. "
        "Flagged above %(INACTIVE_FLAG_PCT)s%%."), "%"),
    Term("mass_followers_share", AUDIENCE, False, gettext_lazy("Mass followers"), gettext_lazy(
        "Followers who follow more than %(MASS_FOLLOWING)s accounts: they rarely look at any one of them. "
        "Flagged above %(MASS_FLAG_PCT)s%%."), "%"),
    Term("burst_or_empty_share", AUDIENCE, False, gettext_lazy("Burst or empty followers"), gettext_lazy(
        "Followers with no posts and no photo, or who signed up in the same hour as at least %(BURST_MIN)s "
        "other followers of the account making %(BURST_SHARE_PCT)s%% of them or more: the mark of bought "
        "followers. Flagged above %(BURST_FLAG_PCT)s%%."), "%"),
    Term("follow_spike_z", AUDIENCE, False, gettext_lazy("Follow spike"), gettext_lazy(
        "How far the day with the most follows in the last %(WINDOW_DAYS)s days stands above the others, in "
        "standard deviations (z-score). Flagged at %(SPIKE_Z)s or more on a day with at least "
        "%(SPIKE_MIN_FOLLOWS)s follows.")),
    Term("conversion", COMMERCE, True, gettext_lazy("Orders ÷ product views"), gettext_lazy(
        "Orders divided by product views over the last %(WINDOW_DAYS)s days. Needs %(MIN_PRODUCT_VIEWS)s "
        "product views."), "%"),
    Term("on_time_rate", COMMERCE, True, gettext_lazy("Shipped on time"), gettext_lazy(
        "Of the orders placed in the last %(ORDER_WINDOW_DAYS)s days (at least %(ON_TIME_DAYS)s days ago, not "
        "cancelled), the share marked shipped within %(ON_TIME_DAYS)s days of being placed. Needs "
        "%(MIN_ORDERS)s orders."), "%"),
    Term("refund_rate", COMMERCE, False, gettext_lazy("Refunded orders"), gettext_lazy(
        "Of the same orders, the share refunded. Needs %(MIN_ORDERS)s orders."), "%"),
    Term("review_average", COMMERCE, True, gettext_lazy("Average review"), gettext_lazy(
        "The buyers' average rating of the seller, 1 to 5 stars, shown with the number of reviews. Needs "
        "%(MIN_REVIEWS)s reviews.")),
)
INPUT_NAMES = tuple(term.name for term in INPUTS)
TERMS = {term.name: term for term in INPUTS}
FLAGS = {
    "inactive_share": "inactive_flag",
    "mass_followers_share": "mass_followers_flag",
    "burst_or_empty_share": "burst_or_empty_flag",
    "follow_spike_z": "follow_spike_flag",
}
COMPONENT_LABELS = {
    ENGAGEMENT: gettext_lazy("Engagement quality"),
    GROWTH: gettext_lazy("Growth"),
    AUDIENCE: gettext_lazy("Audience quality"),
    COMMERCE: gettext_lazy("Commerce"),
}


def component_text(component: str) -> str:
    texts = {
        ENGAGEMENT: _("The mean of the percentiles of its two inputs that have data."),
        GROWTH: _("The percentile of the follower growth."),
        AUDIENCE: _("100 − %(inactive)s × inactive share − %(mass)s × mass followers share − %(burst)s × burst or "
                    "empty share − %(spike)s when a follow spike is flagged, within 0..100; not a percentile, so "
                    "a bought audience lowers it whatever the group does. Needs %(min)s followers.") % {
            "inactive": AUDIENCE_WEIGHTS["inactive_share"], "mass": AUDIENCE_WEIGHTS["mass_followers_share"],
            "burst": AUDIENCE_WEIGHTS["burst_or_empty_share"], "spike": SPIKE_PENALTY, "min": MIN_AUDIENCE},
        COMMERCE: _("The mean of the percentiles of its four inputs that have data."),
    }
    return texts[component]


def band_of(followers: int) -> str:
    if followers <= 10_000:
        return "up_to_10k"
    if followers <= 100_000:
        return "10k_100k"
    return "over_100k"


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentiles(values: list[float | None], *, higher_is_better: bool) -> list[float | None]:
    """Each value's percentile among the others with a value (the module docstring's rule); one sort."""
    present = sorted(v for v in values if v is not None)
    n = len(present)
    if not n:
        return [None] * len(values)
    # For each distinct value: how many are below it and how many equal it.
    below, equal = {}, {}
    for index, value in enumerate(present):
        if value not in below:
            below[value] = index
        equal[value] = equal.get(value, 0) + 1
    out = []
    for value in values:
        if value is None:
            out.append(None)
        elif n == 1:
            out.append(50.0)
        else:
            beaten = below[value] if higher_is_better else n - below[value] - equal[value]
            out.append(100.0 * (beaten + 0.5 * (equal[value] - 1)) / (n - 1))
    return out


def follow_spike_z(daily_follows: list[int]) -> float:
    """The z-score of the busiest day over the window's days (population standard deviation); 0 when flat."""
    n = len(daily_follows)
    mean = sum(daily_follows) / n
    variance = sum((x - mean) ** 2 for x in daily_follows) / n
    if variance <= 0:
        return 0.0
    return (max(daily_follows) - mean) / variance ** 0.5


def audience_score(*, inactive: float, mass: float, burst_or_empty: float, spike_flag: bool) -> float:
    score = 100.0 - (AUDIENCE_WEIGHTS["inactive_share"] * inactive + AUDIENCE_WEIGHTS["mass_followers_share"] * mass
                     + AUDIENCE_WEIGHTS["burst_or_empty_share"] * burst_or_empty) - (SPIKE_PENALTY if spike_flag else 0)
    return max(0.0, min(100.0, score))


def mean_or_none(values) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def overall(components: dict[str, float | None]) -> float | None:
    """The weighted mean of the components present, the weights taken over those only."""
    present = {name: value for name, value in components.items() if value is not None}
    if not present:
        return None
    total = sum(WEIGHTS[name] for name in present)
    return sum(WEIGHTS[name] * value for name, value in present.items()) / total
