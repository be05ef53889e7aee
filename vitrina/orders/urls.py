from django.urls import path

from vitrina.orders import views

app_name = "orders"

urlpatterns = [
    path("orders/<str:number>/", views.order, name="detail"),
]
