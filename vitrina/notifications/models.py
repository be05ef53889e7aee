"""Notifications: what happened to a member, grouped ("anna and 12 others liked your post").

Written only by the event consumer (vitrina.notifications.consumer) from domain events; read by
the selectors. One Notification per (recipient, kind, target); the people behind it are its
NotificationActor rows, so undoing a cause (an unlike) removes exactly that person.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    LIKE = "like", _("Likes")
    COMMENT = "comment", _("Comments")
    REPLY = "reply", _("Replies to your comments")
    MENTION = "mention", _("Mentions")
    FOLLOW = "follow", _("New followers")
    FOLLOW_REQUEST = "follow_request", _("Follow requests")
    FOLLOW_APPROVED = "follow_approved", _("Accepted follow requests")
    MESSAGE = "message", _("Messages")
    ORDER = "order", _("Orders")
    REVIEW = "review", _("Reviews")


# Kinds about a post: without their post (deleted) they are not shown.
POST_KINDS = (Kind.LIKE, Kind.COMMENT, Kind.REPLY, Kind.MENTION)


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What it is about: ("post", id), ("user", id) for follows, ("comment", id) for a mention in a
    # comment, ("conversation", id), ("order", id), ("review", id).
    subject_type = models.CharField(max_length=20)
    subject_id = models.BigIntegerField()
    # The post it belongs to, for its link and thumbnail. A deleted post leaves it empty (one UPDATE in
    # the delete, not a cascade through the people): the reads hide such a group at once, and the
    # consumer deletes it on POST_DELETED, telling the recipients' badges.
    post = models.ForeignKey("posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What the sentence needs besides the people: an order's number and status, a review's stars.
    data = models.JSONField(default=dict, blank=True)
    count = models.PositiveIntegerField(default=0)  # people in the group
    # The id of the latest event that added to it: the list's order and its cursor key.
    position = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "kind", "subject_type", "subject_id"],
                                               name="notification_group_unique")]
        indexes = [
            models.Index(fields=["recipient", "-position"], name="notification_recent"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self):
        return f"{self.kind} for {self.recipient_id} ({self.count})"


class NotificationActor(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="actors")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event_id = models.BigIntegerField()  # the event that added them (a later one may refresh it)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notification", "actor"], name="notification_actor_unique")]
        indexes = [models.Index(fields=["notification", "-created_at"], name="notification_actor_recent")]


class NotificationSetting(models.Model):
    """A member's choice for one kind; no row means on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_setting_unique")]
