"""Hand-made data for the rating tests: followers in bulk, and the insights rows the rating reads.

Followers are written as rows (a rating test needs dozens of them with chosen signup hours, logins,
avatars and follow counts); the followed account's counter is raised with them, as follow_create does.
The insights folds (AccountDay, PostDay) are written directly: the rating only reads them.
"""

import itertools
from datetime import UTC, datetime, timedelta

from django.db.models import F

from vitrina.accounts.models import User
from vitrina.insights.models import AccountDay, PostDay
from vitrina.social.models import Follow

# The rating's clock in these tests: every window is counted back from here.
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
_serial = itertools.count(1)


def add_followers(target, n, *, now, active=True, mass=False, empty=False, joined=None, spread_hours=True):
    """n new accounts following `target`, signed up a day apart each back from `joined` (so no signup hour
    holds a burst), or all within `joined`'s hour with spread_hours=False."""
    base = joined or now - timedelta(days=400)
    users = []
    for i in range(n):
        number = next(_serial)
        users.append(User(
            username=f"fan{number}", email=f"fan{number}@example.com", password="!",
            date_joined=base - timedelta(days=i) if spread_hours else base + timedelta(seconds=i),
            last_login=now - timedelta(days=1) if active else None,
            avatar="" if empty else f"avatars/fan{number}.jpg",
            posts_count=0 if empty else 3,
            following_count=2000 if mass else 50,
        ))
    users = User.objects.bulk_create(users)
    Follow.objects.bulk_create([Follow(follower=user, target=target) for user in users])
    User.objects.filter(pk=target.pk).update(followers_count=F("followers_count") + n)
    return users


def account_day(account, day, **counts):
    return AccountDay.objects.create(account_id=account.pk, day=day, **counts)


def post_day(account, post_id, day, *, interactions, reach):
    return PostDay.objects.create(account_id=account.pk, post_id=post_id, day=day, views=reach, reach=reach,
                                  interactions=interactions)
