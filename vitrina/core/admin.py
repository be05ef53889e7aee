from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only services may write (their counters and side effects live there): view only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
