"""What happened to an account's posts, profile and shop, measured first-hand.

Hit is the raw record (kept INSIGHTS_RETENTION_DAYS): one row per counted view, visit, tap, cart add,
order, follow or unfollow, written in batches. AccountDay and PostDay are the daily folds (kept
INSIGHTS_AGGREGATE_DAYS): the insights screens and the rating read those, and the raw rows only where a
count must be distinct over a period (reach over 28 days is not the sum of 28 daily reaches).

Ids are plain integers, not foreign keys: rows are written in bulk off the request path and must
not take locks on accounts or posts; deleting an account deletes its rows (vitrina.insights.services).
"""

from django.db import models
from django.db.models import Q


class Kind(models.IntegerChoices):
    POST_VIEW = 1, "post view"
    PROFILE_VISIT = 2, "profile visit"
    WEBSITE_TAP = 3, "website tap"
    TAG_TAP = 4, "product tag tap"
    PRODUCT_VIEW = 5, "product view"
    ADD_TO_CART = 6, "add to cart"
    ORDER = 7, "order"
    FOLLOW = 8, "follow"
    UNFOLLOW = 9, "unfollow"


class Source(models.TextChoices):
    """Where the viewer was: a post seen in the home feed counts for "feed"; a follow from search for "search"."""

    FEED = "feed"
    PROFILE = "profile"
    HASHTAG = "hashtag"
    EXPLORE = "explore"
    SEARCH = "search"
    POST = "post"
    SHOP = "shop"
    OTHER = "other"


class Hit(models.Model):
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    # Whose insights this counts for: the post's author, the visited profile, the product's shop owner.
    account_id = models.BigIntegerField()
    # Who did it; null for a signed-out visitor (counted in views, never in reach).
    viewer_id = models.BigIntegerField(null=True, blank=True)
    post_id = models.BigIntegerField(null=True, blank=True)
    product_id = models.BigIntegerField(null=True, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, blank=True)
    # Hours since the epoch (UTC): a viewer's view of a post counts once an hour (the unique constraint).
    hour = models.IntegerField()
    # For orders: the order's total in its currency.
    amount = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["viewer_id", "post_id", "hour"], condition=Q(kind=1),
                                    name="insights_hit_post_view_once_an_hour"),
        ]
        indexes = [
            # viewer_id last: reach over a period (distinct viewers) is read from the index alone.
            models.Index(fields=["account_id", "kind", "created_at", "viewer_id"], name="insights_hit_account_viewer"),
            # viewer_id last here too: a top post's distinct reach over a period is read from the index alone.
            models.Index(fields=["post_id", "created_at", "viewer_id"], name="insights_hit_post_viewer"),
            models.Index(fields=["created_at"], name="insights_hit_created"),
            # The fold takes a past day's followers back by the follows since: those rows alone, not every hit.
            models.Index(fields=["created_at"], condition=Q(kind__in=[Kind.FOLLOW, Kind.UNFOLLOW]), name="insights_hit_follows"),
        ]


class AccountDay(models.Model):
    """One account's day (UTC), folded from its Hits and from the posts, likes, comments and saves."""

    account_id = models.BigIntegerField()
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    reach = models.PositiveIntegerField(default=0)  # distinct signed-in viewers that day
    profile_visits = models.PositiveIntegerField(default=0)
    website_taps = models.PositiveIntegerField(default=0)
    tag_taps = models.PositiveIntegerField(default=0)
    product_views = models.PositiveIntegerField(default=0)
    add_to_cart = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)
    revenue = models.JSONField(default=dict, blank=True)  # {"RUB": "1200.00"}: one sum per currency
    follows = models.PositiveIntegerField(default=0)
    unfollows = models.PositiveIntegerField(default=0)
    followers = models.PositiveIntegerField(null=True, blank=True)  # at the end of the day
    interactions = models.PositiveIntegerField(default=0)  # likes + comments + saves + shares received
    engaged = models.PositiveIntegerField(default=0)  # distinct accounts that interacted

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account_id", "day"], name="insights_accountday_once")]


class PostDay(models.Model):
    post_id = models.BigIntegerField()
    account_id = models.BigIntegerField()
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    reach = models.PositiveIntegerField(default=0)
    interactions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post_id", "day"], name="insights_postday_once")]
        indexes = [models.Index(fields=["account_id", "day"], name="insights_postday_account")]


class Audience(models.Model):
    """Who follows an account, counted by the hourly job (vitrina.insights.audience) for every creator and
    business account with INSIGHTS_MIN_AUDIENCE followers or more: the page reads one row, not the follow
    edges (a hundred thousand followers joined to their accounts took half a second on PostgreSQL)."""

    account_id = models.BigIntegerField(unique=True)
    followers = models.PositiveIntegerField()  # active accounts following it
    active = models.PositiveIntegerField()  # of them, opened Vitrina in ACTIVE_DAYS
    cities = models.JSONField(default=list)  # [[city, followers], ...]: the top five
    account_types = models.JSONField(default=list)  # [[account type, followers], ...]
    counted_at = models.DateTimeField()
