from django.urls import path

from vitrina.messaging import group_views, views

app_name = "messaging"

urlpatterns = [
    path("direct/", views.inbox_page, name="inbox"),
    path("direct/new/", views.conversation_new, name="new"),
    path("direct/share/", views.share_page, name="share"),
    path("direct/quick-replies/", views.quick_replies_page, name="quick_replies"),
    path("direct/<int:conversation_id>/", views.thread_page, name="thread"),
    path("direct/<int:conversation_id>/messages/", views.thread_messages, name="messages"),
    path("direct/<int:conversation_id>/send/", views.message_send, name="send"),
    path("direct/<int:conversation_id>/messages/<int:message_id>/unsend/", views.message_unsend, name="unsend"),
    path("direct/<int:conversation_id>/messages/<int:message_id>/react/", views.message_react, name="react"),
    path("direct/<int:conversation_id>/request/", views.request_answer, name="request"),
    path("direct/<int:conversation_id>/labels/", views.labels_set, name="labels"),
    path("direct/<int:conversation_id>/folder/", views.folder_move, name="folder"),
    path("direct/<int:conversation_id>/leave/", views.conversation_leave, name="leave"),
    path("direct/<int:conversation_id>/name/", group_views.group_rename, name="rename"),
    path("direct/<int:conversation_id>/members/", group_views.members_add, name="members_add"),
    path("direct/<int:conversation_id>/members/remove/", group_views.member_remove, name="member_remove"),
]
