from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "vitrina.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Registers the periodic jobs of this app with vitrina.core.scheduler.
        from vitrina.accounts import tasks  # noqa: F401
        from django.contrib import admin

        from vitrina.accounts import signals  # noqa: F401 - connects the session tracking
        from vitrina.accounts.admin_login import ThrottledAdminAuthenticationForm

        admin.site.login_form = ThrottledAdminAuthenticationForm
