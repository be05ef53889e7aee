"""The public rating of business accounts: one RankingRun per recompute, one AccountScore per account in it.

Every input of the formula (vitrina.rankings.formula) is a column with its percentile beside it, so an
account's page shows its workings from its row alone. A value of None means "not enough data" (the
formula's minimums); its percentile is None too and the account is ranked on the inputs it has.
Pages read the latest finished run; services keep only RANKINGS_KEEP_RUNS of them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vitrina.accounts.models import BusinessCategory


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class Band(models.TextChoices):
    UP_TO_10K = "up_to_10k", _("Up to 10k followers")
    FROM_10K_TO_100K = "10k_100k", _("10k–100k followers")
    OVER_100K = "over_100k", _("Over 100k followers")


class RankingRun(models.Model):
    formula_version = models.CharField(max_length=16)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    accounts = models.PositiveIntegerField(default=0)  # how many accounts were scored
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)

    class Meta:
        indexes = [models.Index(fields=["status", "-id"], name="rankings_run_latest")]

    def __str__(self):
        return f"run {self.pk} ({self.formula_version}, {self.status})"


def _value():
    return models.FloatField(null=True, blank=True)


class AccountScore(models.Model):
    run = models.ForeignKey(RankingRun, on_delete=models.CASCADE, related_name="scores")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ranking_scores")
    category = models.CharField(max_length=32, choices=BusinessCategory.choices)
    city = models.CharField(max_length=80, blank=True)
    band = models.CharField(max_length=10, choices=Band.choices)
    followers = models.PositiveIntegerField(default=0)

    # Engagement quality.
    post_engagement = _value()
    post_engagement_pct = _value()
    posts_counted = models.PositiveIntegerField(default=0)
    engaged_ratio = _value()
    engaged_ratio_pct = _value()
    # Growth.
    growth = _value()
    growth_pct = _value()
    # Audience quality: shares 0..1 and the follow spike's z-score; each with its flag.
    inactive_share = _value()
    inactive_share_pct = _value()
    inactive_flag = models.BooleanField(default=False)
    mass_followers_share = _value()
    mass_followers_share_pct = _value()
    mass_followers_flag = models.BooleanField(default=False)
    burst_or_empty_share = _value()
    burst_or_empty_share_pct = _value()
    burst_or_empty_flag = models.BooleanField(default=False)
    follow_spike_z = _value()
    follow_spike_z_pct = _value()
    follow_spike_flag = models.BooleanField(default=False)
    # Commerce.
    conversion = _value()
    conversion_pct = _value()
    on_time_rate = _value()
    on_time_rate_pct = _value()
    refund_rate = _value()
    refund_rate_pct = _value()
    review_average = _value()
    review_average_pct = _value()
    review_count = models.PositiveIntegerField(default=0)

    # Components 0..100 and the overall score (None: no data for any of them).
    engagement_score = _value()
    growth_score = _value()
    audience_score = _value()
    commerce_score = _value()
    score = _value()
    # 1 = best; unique within the run (ties by account id), None for an account without a score.
    rank = models.PositiveIntegerField(null=True, blank=True)
    group_rank = models.PositiveIntegerField(null=True, blank=True)
    group_size = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "account"], name="rankings_score_once")]
        indexes = [
            models.Index(fields=["run", "rank"], name="rankings_score_rank"),
            models.Index(fields=["run", "category", "band", "rank"], name="rankings_score_group"),
        ]
