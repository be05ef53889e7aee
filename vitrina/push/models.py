"""Web Push subscriptions: a phone or browser that agreed to be notified with the page closed."""

from django.conf import settings
from django.db import models


class PushSubscription(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    # The push service's address for this browser (Push API: PushSubscription.endpoint).
    endpoint = models.URLField(max_length=1000, unique=True)
    # The browser's keys for the message encryption (RFC 8291), base64url as the browser gives them.
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=40)
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"push subscription of {self.user_id}"
