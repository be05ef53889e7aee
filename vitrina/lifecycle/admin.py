"""The staff admin for accounts. It changes state only through the services.

Deleting an account here is the member's own deletion, purged at once; suspension
goes through the same services as everywhere. Counters, is_active, is_private and
suspended_at are read-only: only services change them, with the rows they count.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vitrina.accounts.models import User
from vitrina.lifecycle import purge, services


@admin.register(User)
class VitrinaUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "email", "account_type", "is_private", "is_active",
                    "followers_count", "date_joined")
    list_filter = ("account_type", "is_private", "is_active", "is_staff", "category")
    search_fields = ("username", "display_name", "email")
    ordering = ("-date_joined",)
    readonly_fields = ("avatar", "is_private", "is_active", "suspended_at", "followers_count", "following_count",
                       "posts_count", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Profile"), {"fields": ("display_name", "email", "bio", "website", "avatar", "account_type", "is_private")}),
        (_("Business"), {"fields": ("category", "city", "contact_email", "contact_phone")}),
        (_("Status"), {"fields": ("is_active", "suspended_at", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Numbers"), {"fields": ("followers_count", "following_count", "posts_count", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),)
    actions = ["suspend", "unsuspend", "delete_accounts"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_actions(self, request):
        # Django's bulk delete removes rows without the services: others' counters would go wrong.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Only what the form changed: a full save would write back counters read a moment
        # ago over the F() updates of follows that landed in between.
        concrete = {field.name for field in User._meta.concrete_fields}
        fields = [name for name in form.changed_data if name in concrete]
        if fields:
            obj.save(update_fields=fields)

    def get_deleted_objects(self, objs, request):
        # Follows and blocks are read-only in their own admins; here the purge removes them
        # through the services, so they need no delete permission of their own.
        deleted, model_count, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, model_count, set(), protected

    def delete_model(self, request, obj):
        purge.account_purge(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            purge.account_purge(user=user)

    @admin.action(description=_("Suspend selected accounts"))
    def suspend(self, request, queryset):
        count = 0
        for user in queryset.exclude(pk=request.user.pk):
            services.account_suspend(user=user)
            count += 1
        self.message_user(request, ngettext("%d account suspended.", "%d accounts suspended.", count) % count,
                          messages.SUCCESS)

    @admin.action(description=_("Lift suspension of selected accounts"))
    def unsuspend(self, request, queryset):
        count = 0
        for user in queryset:
            services.account_unsuspend(user=user)
            count += 1
        self.message_user(request, ngettext("%d account restored.", "%d accounts restored.", count) % count,
                          messages.SUCCESS)

    @admin.action(description=_("Delete selected accounts now, with their posts and photos"), permissions=["delete"])
    def delete_accounts(self, request, queryset):
        count = 0
        for user in queryset.exclude(pk=request.user.pk):
            purge.account_purge(user=user)
            count += 1
        self.message_user(request, ngettext("%d account deleted.", "%d accounts deleted.", count) % count,
                          messages.SUCCESS)
