from django.urls import path

from vitrina.insights import views

app_name = "insights"

urlpatterns = [
    path("insights/", views.insights_page, name="page"),
    path("insights/export.csv", views.export_csv, name="export"),
    path("insights/seen", views.seen, name="seen"),
    path("insights/out/<str:username>", views.website_out, name="out"),
]
