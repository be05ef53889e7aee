from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vitrina.core"
    label = "core"

    def ready(self):
        # Declares the periodic jobs (vitrina.core.scheduler) whatever imports first.
        from vitrina.core import tasks  # noqa: F401
