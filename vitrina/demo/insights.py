"""Thirty days of plausible insights for the demo's creator and business accounts, so that `make run`
shows charts: hits made up from the demo's people (and some signed-out visitors), then folded."""

import random
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from vitrina.accounts.models import User
from vitrina.insights import recording, services
from vitrina.insights.models import Hit, Kind
from vitrina.posts.models import Post
from vitrina.shop.models import Product

DAYS = 30


def _day_rows(rng, account, day_start, viewers, posts, products, weight):
    rows = []
    trend = weight * (0.6 + 0.4 * rng.random())

    def at():
        return (day_start + timedelta(seconds=rng.randrange(86400))).timestamp()

    for _ in range(int(40 * trend)):
        viewer = rng.choice(viewers + [None] * 3)  # some visitors are signed out
        post = rng.choice(posts) if posts else None
        if post:
            rows.append((Kind.POST_VIEW, account.pk, viewer, post, None, rng.choice(["feed", "explore", "profile"]),
                         None, "", at()))
    for _ in range(int(8 * trend)):
        rows.append((Kind.PROFILE_VISIT, account.pk, rng.choice(viewers), None, None, "profile", None, "", at()))
    if account.website and rng.random() < 0.6:
        rows.append((Kind.WEBSITE_TAP, account.pk, rng.choice(viewers), None, None, "profile", None, "", at()))
    for product in products:
        for _ in range(rng.randrange(0, 4)):
            rows.append((Kind.TAG_TAP, account.pk, rng.choice(viewers), None, product, "post", None, "", at()))
        for _ in range(rng.randrange(0, 3)):
            rows.append((Kind.PRODUCT_VIEW, account.pk, rng.choice(viewers), None, product, "shop", None, "", at()))
        if rng.random() < 0.3:
            rows.append((Kind.ADD_TO_CART, account.pk, rng.choice(viewers), None, product, "shop", None, "", at()))
    if rng.random() < 0.35:
        rows.append((Kind.FOLLOW, account.pk, rng.choice(viewers), None, None,
                     rng.choice(["post", "profile", "explore", "search"]), None, "", at()))
    if rng.random() < 0.08:
        rows.append((Kind.UNFOLLOW, account.pk, rng.choice(viewers), None, None, "profile", None, "", at()))
    return [tuple(int(v) if isinstance(v, Kind) else v for v in row) for row in rows]


def seed_insights(users: dict[str, User]) -> bool:
    """Once: a demo whose accounts already have hits older than today keeps them."""
    accounts = [u for u in users.values() if u.is_professional]
    now = timezone.now()
    today = now.astimezone(UTC).date()
    if not accounts or Hit.objects.filter(account_id__in=[a.pk for a in accounts],
                                          created_at__lt=now - timedelta(days=2)).exists():
        return False
    rng = random.Random(13)
    rows = []
    for account in accounts:
        viewers = [u.pk for u in users.values() if u.pk != account.pk]
        posts = list(Post.objects.filter(author=account).values_list("id", flat=True))
        products = list(Product.objects.filter(shop__owner=account).values_list("id", flat=True)[:4])
        weight = 1.5 if account.is_business else 1.0
        for back in range(DAYS, 0, -1):
            day = today - timedelta(days=back)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            # A gentle rise over the month, and weekends a little busier.
            lift = weight * (0.7 + 0.6 * (DAYS - back) / DAYS) * (1.2 if day.weekday() >= 5 else 1.0)
            rows += _day_rows(rng, account, start, viewers, posts, products, lift)
    recording.write_rows(rows)
    for back in range(DAYS, -1, -1):
        services.fold_day(today - timedelta(days=back))
    return True
