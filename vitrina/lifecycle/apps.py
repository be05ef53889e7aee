from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "vitrina.lifecycle"
    label = "lifecycle"
    verbose_name = _("Account lifecycle")

    def ready(self):
        # Declares the periodic jobs (vitrina.core.scheduler) whatever imports first.
        from vitrina.lifecycle import tasks  # noqa: F401
