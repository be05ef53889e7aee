from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "vitrina.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self):
        from vitrina.search.indexes import repair_after_migrate

        # SQLite rebuilds a table to alter it, and that drops the table's triggers:
        # any later migration of accounts or posts would silently stop the search
        # index from following writes. Checking after every migrate repairs that.
        post_migrate.connect(repair_after_migrate, sender=self, dispatch_uid="search_repair_after_migrate")
