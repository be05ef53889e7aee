from django.urls import path

from vitrina.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("explore/", views.explore, name="explore"),
    path("shop/", views.shop, name="shop"),
]
