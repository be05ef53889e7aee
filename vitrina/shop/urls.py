from django.urls import path

from vitrina.shop import views

app_name = "shop"

urlpatterns = [
    path("shop/products/<int:product_id>/", views.product, name="product"),
]
