from django.urls import path

from vitrina.orders import views

app_name = "orders"

urlpatterns = [
    # Stubs until checkout lands: the cart page and the product page's "Add to cart" form target.
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("orders/<str:number>/", views.order, name="detail"),
]
