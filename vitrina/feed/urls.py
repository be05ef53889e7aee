from django.urls import path

from vitrina.feed import views

app_name = "feed"

urlpatterns = [
    path("feed/new/", views.new_posts, name="new_posts"),
]
