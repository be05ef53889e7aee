from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vitrina.accounts import services
from vitrina.accounts.models import Block, User


@admin.register(User)
class VitrinaUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "email", "account_type", "is_private", "is_active",
                    "followers_count", "date_joined")
    list_filter = ("account_type", "is_private", "is_active", "is_staff", "category")
    search_fields = ("username", "display_name", "email")
    ordering = ("-date_joined",)
    readonly_fields = ("followers_count", "following_count", "posts_count", "suspended_at", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Profile"), {"fields": ("display_name", "email", "bio", "website", "avatar", "account_type", "is_private")}),
        (_("Business"), {"fields": ("category", "city", "contact_email", "contact_phone")}),
        (_("Status"), {"fields": ("is_active", "suspended_at", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Numbers"), {"fields": ("followers_count", "following_count", "posts_count", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),)
    actions = ["suspend", "unsuspend"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(description=_("Suspend selected accounts"))
    def suspend(self, request, queryset):
        count = 0
        for user in queryset.exclude(pk=request.user.pk):
            services.user_suspend(user=user)
            count += 1
        self.message_user(request, ngettext("%d account suspended.", "%d accounts suspended.", count) % count,
                          messages.SUCCESS)

    @admin.action(description=_("Lift suspension of selected accounts"))
    def unsuspend(self, request, queryset):
        count = 0
        for user in queryset:
            services.user_unsuspend(user=user)
            count += 1
        self.message_user(request, ngettext("%d account restored.", "%d accounts restored.", count) % count,
                          messages.SUCCESS)


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ("blocker", "blocked", "created_at")
    search_fields = ("blocker__username", "blocked__username")
    raw_id_fields = ("blocker", "blocked")
