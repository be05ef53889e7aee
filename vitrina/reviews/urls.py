from django.urls import path

from vitrina.reviews import views

app_name = "reviews"

urlpatterns = [
    path("orders/<str:number>/review/", views.review_create, name="create"),
    path("reviews/<int:review_id>/reply/", views.review_reply, name="reply"),
    path("shop/products/<int:product_id>/reviews/", views.product_reviews, name="product"),
]
