"""Who follows a creator or business account: top cities, account types and the share active lately.

`audiences_count()` is the hourly job's set-based count for every such account with INSIGHTS_MIN_AUDIENCE
followers or more: three grouped scans of the follow edges, written as one Audience row per account.
`audience_of()` is the page's read of that row; an account whose row is missing or older than
STALE (it crossed the threshold since the job ran, or the job is not running) is counted alone and kept.
"""

import heapq
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from vitrina.accounts.models import AccountType, User
from vitrina.accounts.selectors import ACTIVE_DAYS, active_since
from vitrina.insights.models import Audience
from vitrina.social.models import Follow

TOP_CITIES = 5
EVERY = timedelta(hours=1)
STALE = 3 * EVERY  # a row this old is counted again when read (the job has stopped)


def audiences_count(*, now: datetime | None = None, account_ids: list[int] | None = None) -> int:
    """Count the audiences of every eligible account (or of `account_ids` only) and replace their rows;
    accounts below the threshold lose theirs. Returns the rows written."""
    now = now or timezone.now()
    accounts = User.objects.filter(account_type__in=[AccountType.CREATOR, AccountType.BUSINESS], is_active=True,
                                   followers_count__gte=settings.INSIGHTS_MIN_AUDIENCE)
    if account_ids is not None:
        accounts = accounts.filter(pk__in=account_ids)
    edges = Follow.objects.filter(target_id__in=accounts.values("id"), follower__is_active=True).order_by()
    totals = {row["target_id"]: row for row in edges.values("target_id").annotate(
        n=Count("id"), active=Count("id", filter=active_since(now - timedelta(days=ACTIVE_DAYS), via="follower__")))}
    types = defaultdict(list)
    for target, kind, n in edges.values_list("target_id", "follower__account_type").annotate(n=Count("id")):
        types[target].append([kind, n])
    cities = defaultdict(list)
    for target, city, n in (edges.filter(~Q(follower__city="")).values_list("target_id", "follower__city")
                            .annotate(n=Count("id"))):
        cities[target].append([city, n])
    rows = [Audience(account_id=target, followers=row["n"], active=row["active"], counted_at=now,
                     account_types=sorted(types[target], key=lambda t: (-t[1], t[0])),
                     cities=heapq.nsmallest(TOP_CITIES, cities[target], key=lambda c: (-c[1], c[0])))
            for target, row in totals.items() if row["n"] >= settings.INSIGHTS_MIN_AUDIENCE]
    with transaction.atomic():
        gone = Audience.objects.all() if account_ids is None else Audience.objects.filter(account_id__in=account_ids)
        gone.delete()
        Audience.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def audience_of(account: User, *, now: datetime | None = None) -> dict | None:
    """The account's audience as the page shows it (shares in percent); None below the threshold."""
    if account.followers_count < settings.INSIGHTS_MIN_AUDIENCE:
        return None
    now = now or timezone.now()
    row = Audience.objects.filter(account_id=account.pk).first()
    if row is None or row.counted_at < now - STALE:
        audiences_count(now=now, account_ids=[account.pk])
        row = Audience.objects.filter(account_id=account.pk).first()
    if row is None or row.followers < settings.INSIGHTS_MIN_AUDIENCE:  # the threshold may have been raised
        return None
    total = row.followers
    return {
        "followers": total,
        "cities": [{"city": city, "share": round(n * 100 / total, 1)} for city, n in row.cities],
        "account_types": [{"account_type": kind, "share": round(n * 100 / total, 1)} for kind, n in row.account_types],
        "active_share": round(row.active * 100 / total, 1),
    }
