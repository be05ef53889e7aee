from django.urls import path

from vitrina.shop import tag_views, views

app_name = "shop"

urlpatterns = [
    path("shop/products/<int:product_id>/", views.product, name="product"),
    # Product tags on a post's photos (tag_views).
    path("shop/posts/<int:post_id>/tags/", tag_views.post_tags, name="post_tags"),
    path("shop/posts/<int:post_id>/tags/<int:tag_id>/delete/", tag_views.post_tag_delete, name="post_tag_delete"),
]
