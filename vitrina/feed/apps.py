from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    name = "vitrina.feed"
    label = "feed"
    verbose_name = _("Feed")

    def ready(self):
        # Declares the periodic jobs (vitrina.core.scheduler) whatever imports first.
        from vitrina.feed import tasks  # noqa: F401
