from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RankingsConfig(AppConfig):
    name = "vitrina.rankings"
    label = "rankings"
    verbose_name = _("Rating of business accounts")
