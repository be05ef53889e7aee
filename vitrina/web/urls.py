from django.urls import path

from vitrina.feed import explore_views
from vitrina.feed import views as feed_views
from vitrina.web import views

urlpatterns = [
    path("", feed_views.home, name="home"),
    path("explore/", explore_views.explore, name="explore"),
    path("shop/", views.shop, name="shop"),
]
