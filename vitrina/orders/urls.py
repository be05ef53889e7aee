from django.urls import path

from vitrina.orders import cart_views, order_views, payment_views, settings_views, views

app_name = "orders"

urlpatterns = [
    path("cart/", cart_views.cart, name="cart"),
    path("cart/add/", cart_views.cart_add, name="cart_add"),
    path("cart/items/<int:line_id>/", cart_views.cart_line, name="cart_line"),
    path("cart/checkout/<str:seller>/", cart_views.checkout_sheet, name="checkout_sheet"),
    path("cart/checkout/<str:seller>/place/", cart_views.checkout, name="checkout"),
    path("cart/checkout/<str:seller>/total/", cart_views.checkout_total, name="checkout_total"),
    path("settings/addresses/", settings_views.address_list, name="addresses"),
    path("settings/addresses/<int:address_id>/<str:action>/", settings_views.address_action, name="address_action"),
    path("settings/promo-codes/", settings_views.promo_list, name="promos"),
    # The buyer's orders (views).
    path("orders/", views.orders, name="orders"),
    path("orders/<str:number>/", views.order, name="detail"),
    path("orders/<str:number>/cancel/", views.order_cancel, name="cancel"),
    # The seller's orders (order_views).
    path("shop/orders/", order_views.seller_orders, name="seller_orders"),
    path("shop/orders/export.csv", order_views.seller_orders_export, name="seller_export"),
    path("shop/orders/<str:number>/", order_views.seller_order, name="seller_order"),
    path("shop/orders/<str:number>/transition/", order_views.seller_order_transition, name="seller_transition"),
    path("shop/orders/<str:number>/slip/", order_views.seller_order_slip, name="seller_slip"),
    # Payments (payment_views): the sandbox card provider's pay page.
    path("payments/sandbox/<str:reference>/", payment_views.sandbox_pay, name="sandbox_pay"),
]
