from django.urls import path

from vitrina.posts import views

app_name = "posts"

urlpatterns = [
    path("create/", views.create, name="create"),
    path("p/<int:post_id>/", views.detail, name="detail"),
    path("p/<int:post_id>/edit/", views.edit, name="edit"),
    path("p/<int:post_id>/delete/", views.delete, name="delete"),
    path("p/<int:post_id>/report/", views.report, name="report"),
    path("p/<int:post_id>/like/", views.like, name="like"),
    path("p/<int:post_id>/save/", views.save, name="save"),
    path("p/<int:post_id>/likes/", views.likers, name="likers"),
    path("p/<int:post_id>/comments/", views.comment, name="comment"),
    path("p/<int:post_id>/comments/<int:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path("explore/tags/<str:tag>/", views.hashtag, name="hashtag"),
    path("accounts/saved/", views.saved, name="saved"),
]
