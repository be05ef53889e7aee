from django.urls import path

from vitrina.lifecycle import views

app_name = "lifecycle"

# Mounted under /accounts/.
urlpatterns = [
    path("data/", views.data, name="data"),
    path("data/export/", views.export_request, name="export"),
    path("data/export/<int:export_id>/", views.export_file, name="export_file"),
    path("delete/", views.delete_account, name="delete"),
]
