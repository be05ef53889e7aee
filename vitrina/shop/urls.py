from django.urls import path

from vitrina.shop import manage_views, tag_views, views

app_name = "shop"

urlpatterns = [
    path("shop/products/<int:product_id>/", views.product, name="product"),
    # Product tags on a post's photos (tag_views).
    path("shop/posts/<int:post_id>/tags/", tag_views.post_tags, name="post_tags"),
    path("shop/posts/<int:post_id>/tags/<int:tag_id>/delete/", tag_views.post_tag_delete, name="post_tag_delete"),
    # The catalog's pages (views, manage_views).
    path("shop/manage/", manage_views.manage, name="manage"),
    path("shop/manage/products/new/", manage_views.product_new, name="manage_product_new"),
    path("shop/manage/products/<int:product_id>/", manage_views.product_edit, name="manage_product"),
    path("shop/manage/products/<int:product_id>/status/", manage_views.product_status, name="manage_product_status"),
    path("shop/manage/products/<int:product_id>/delete/", manage_views.product_delete, name="manage_product_delete"),
    path("shop/manage/products/<int:product_id>/photos/", manage_views.photos_add, name="manage_photos_add"),
    path("shop/manage/products/<int:product_id>/photos/<int:image_id>/", manage_views.photo_action,
         name="manage_photo"),
    path("shop/manage/collections/", manage_views.collection_list, name="manage_collections"),
    path("shop/manage/collections/<int:collection_id>/", manage_views.collection_edit, name="manage_collection"),
    path("<str:username>/shop/", views.profile_shop, name="profile_shop"),
]
