from django.urls import path

from vitrina.social import views

app_name = "social"

# Mounted at the site root, after every other page: /<username>/... belongs to accounts.
account_urls = [
    path("accounts/edit/", views.edit_profile, name="edit"),
    path("accounts/settings/privacy/", views.privacy, name="privacy"),
    path("accounts/requests/", views.follow_requests, name="requests"),
    path("accounts/blocked/", views.blocked, name="blocked"),
]
profile_urls = [
    path("<str:username>/followers/", views.people, {"which": "followers"}, name="followers"),
    path("<str:username>/following/", views.people, {"which": "following"}, name="following"),
    path("<str:username>/follow/", views.follow, name="follow"),
    path("<str:username>/block/", views.block, name="block"),
    path("<str:username>/remove-follower/", views.follower_remove, name="remove_follower"),
    path("<str:username>/request/", views.follow_request_answer, name="request_answer"),
]
urlpatterns = account_urls + profile_urls
