from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "vitrina.insights"
    label = "insights"
    verbose_name = _("Insights")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core.signals import request_finished

        from vitrina.insights import recording, tasks  # noqa: F401 - tasks declares the periodic jobs

        # After the response: the buffer leaves the process only when full or old (recording.request_done).
        request_finished.connect(recording.request_done, dispatch_uid="insights.request_done")
