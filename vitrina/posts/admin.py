"""Members' reports of posts, for moderators to read. Reports are written by posts.services.post_report;
a moderator may delete one that has been dealt with."""

from django.contrib import admin

from vitrina.core.admin import ReadOnlyAdmin
from vitrina.posts.models import PostReport


@admin.register(PostReport)
class PostReportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "reason", "post", "reporter")
    list_filter = ("reason",)
    search_fields = ("reporter__username", "post__author__username")
    raw_id_fields = ("reporter", "post")
    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)
