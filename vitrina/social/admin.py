"""The follow graph in the admin, to look at only: adding or deleting a Follow here
would skip the followers/following counters that the services keep with each row."""

from django.contrib import admin

from vitrina.core.admin import ReadOnlyAdmin
from vitrina.social.models import Follow, FollowRequest


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = ("follower", "target", "created_at")
    search_fields = ("follower__username", "target__username")
    raw_id_fields = ("follower", "target")


@admin.register(FollowRequest)
class FollowRequestAdmin(ReadOnlyAdmin):
    list_display = ("requester", "target", "created_at")
    search_fields = ("requester__username", "target__username")
    raw_id_fields = ("requester", "target")
