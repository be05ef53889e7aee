from django.db import models


class TimelineEntry(models.Model):
    """A post id in a member's home timeline (the database store).

    Ids only, no foreign keys: a timeline is an index that can be rebuilt from
    follows and posts at any time, and rows are written thousands per statement.
    """

    owner_id = models.BigIntegerField()
    post_id = models.BigIntegerField()
    author_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner_id", "post_id"], name="timeline_owner_post")]
        indexes = [
            models.Index(fields=["owner_id", "-post_id"], name="timeline_owner_recent"),
            models.Index(fields=["post_id"], name="timeline_post"),
        ]


class PulledPost(models.Model):
    """A post that was not fanned out (its author had FEED_PULL_THRESHOLD followers or more).

    Readers merge these in from the accounts they follow. Recording the post, not the
    account, keeps feeds exact when an account crosses the threshold either way.
    """

    post_id = models.BigIntegerField(primary_key=True)
    author_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["author_id", "-post_id"], name="pulled_author_recent")]


class TimelineState(models.Model):
    """That a member's database timeline has been built (an empty one is still built).

    `complete` says it holds every post of the followed accounts down to the oldest;
    a capped (trimmed) one does not, and reads past its end query the posts instead.
    """

    owner_id = models.BigIntegerField(primary_key=True)
    complete = models.BooleanField(default=True)
    built_at = models.DateTimeField(auto_now=True)


class TimelineEpoch(models.Model):
    """A number in every Redis timeline key. Raising it drops all Redis timelines at once.

    Raised when a fan-out finally fails because Redis is down: timelines written
    before then may miss that post, so every member's is rebuilt on next read.
    """

    value = models.PositiveIntegerField(default=0)
