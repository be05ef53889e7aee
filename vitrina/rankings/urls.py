from django.urls import path

from vitrina.rankings import views

app_name = "rankings"

urlpatterns = [
    path("rankings/", views.top, name="top"),
    path("rankings/methodology/", views.methodology, name="methodology"),
    path("rankings/<str:username>/", views.account, name="account"),
]
