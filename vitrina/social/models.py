from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Follow(models.Model):
    """follower follows target. Its id orders lists newest first (keyset pagination)."""

    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_set")
    target = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_set")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "target"], name="follow_unique"),
            models.CheckConstraint(condition=~Q(follower=F("target")), name="follow_not_self"),
        ]
        indexes = [models.Index(fields=["target", "-id"], name="follow_target_id")]


class FollowRequest(models.Model):
    """A pending request to follow a private account; approval turns it into a Follow."""

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_requests_sent")
    target = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_requests_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requester", "target"], name="follow_request_unique"),
            models.CheckConstraint(condition=~Q(requester=F("target")), name="follow_request_not_self"),
        ]
        indexes = [models.Index(fields=["target", "-id"], name="follow_request_target_id")]
