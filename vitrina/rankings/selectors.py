"""Reads of the rating that check who may see what.

The rating lists an account when it is active (not suspended or deactivated), public, and listed
for the viewer (no block either way: vitrina.social.visibility.listed_q); the run already left out
the accounts that were not active and public then, and this checks again, as things change between
runs. Anything else reads as NotFound, like an account that is not there.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from vitrina.accounts.models import BusinessCategory
from vitrina.core.errors import InvalidInput, NotFound
from vitrina.core.pagination import Page, paginate_asc
from vitrina.rankings.models import AccountScore, Band, RankingRun, RunStatus
from vitrina.social.visibility import listed_q

CITY_MAX = 80

@dataclass(frozen=True)
class Filters:
    category: str = ""
    city: str = ""
    band: str = ""

def filters_parse(*, category=None, city=None, band=None) -> tuple[Filters, dict[str, list[str]]]:
    """The filters that are valid, and a message for each that is not (an unknown category or band)."""
    errors = {}
    category, city, band = (category or "").strip(), (city or "").strip(), (band or "").strip()
    if category and category not in BusinessCategory.values:
        errors["category"] = [_("Choose one of the categories.")]
        category = ""
    if band and band not in Band.values:
        errors["band"] = [_("Choose one of the size bands.")]
        band = ""
    if len(city) > CITY_MAX:
        errors["city"] = [_("At most %(max)s characters.") % {"max": CITY_MAX}]
        city = ""
    return Filters(category=category, city=city, band=band), errors

def filters_or_422(**params) -> Filters:
    filters, errors = filters_parse(**params)
    if errors:
        raise InvalidInput(_("Check the filters."), fields=errors)
    return filters

def latest_run() -> RankingRun | None:
    return RankingRun.objects.filter(status=RunStatus.FINISHED).order_by("-id").first()

def _listed(viewer, run: RankingRun):
    return (AccountScore.objects.filter(run=run, account__is_private=False)
            .filter(listed_q(viewer, account="account")).select_related("account"))

def top(*, viewer, run: RankingRun | None, filters: Filters, cursor=None, limit=None) -> Page:
    """The ranked accounts of the run the viewer may see, best first, a page at a time."""
    if run is None:
        return Page(items=[], next_cursor=None)
    rows = _listed(viewer, run).filter(rank__isnull=False)
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.band:
        rows = rows.filter(band=filters.band)
    if filters.city:
        rows = rows.filter(city__iexact=filters.city)
    return paginate_asc(rows, cursor=cursor, limit=limit, key="rank")

def score_of(*, viewer, run: RankingRun | None, username: str) -> AccountScore:
    """The account's row in the run, ranked or not yet, or NotFound when it is not listed for the viewer."""
    username = (username or "").lower().lstrip("@")
    row = _listed(viewer, run).filter(account__username=username).first() if run else None
    if row is None:
        raise NotFound(_("This account is not in the rating."))
    return row

def cities(*, viewer, run: RankingRun | None) -> list[str]:
    """The cities of the ranked accounts the viewer may see, for the filter's suggestions."""
    if run is None:
        return []
    rows = _listed(viewer, run).filter(rank__isnull=False).exclude(city="")
    return sorted(set(rows.values_list("city", flat=True)), key=str.casefold)

