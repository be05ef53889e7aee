from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "vitrina.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self):
        # Declares the periodic jobs (vitrina.core.scheduler) whatever imports first.
        from vitrina.orders import tasks  # noqa: F401
