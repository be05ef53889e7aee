from django.contrib import admin

from vitrina.social.models import Follow, FollowRequest


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("follower", "target", "created_at")
    search_fields = ("follower__username", "target__username")
    raw_id_fields = ("follower", "target")


@admin.register(FollowRequest)
class FollowRequestAdmin(admin.ModelAdmin):
    list_display = ("requester", "target", "created_at")
    search_fields = ("requester__username", "target__username")
    raw_id_fields = ("requester", "target")
