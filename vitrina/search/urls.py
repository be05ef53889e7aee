from django.urls import path

from vitrina.search import views

app_name = "search"

urlpatterns = [
    path("explore/search/", views.search, name="search"),
]
