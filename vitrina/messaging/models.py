"""Direct messages: conversations (one-to-one or groups), their members, messages, reactions, and a
business's saved quick replies.

Read state is a message id per member: messages are numbered in the order they were sent, so
"unread" is "newer than the last one read, by someone else", one comparison per conversation.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vitrina.posts.models import FORMATS, Post, variant_urls
from vitrina.shop.models import Product

TEXT_MAX = 4000
NAME_MAX = 80
GROUP_MAX = 32  # members of a group, its creator included
QUICK_REPLY_TEXT_MAX = 1000
QUICK_REPLY_SHORTCUT_MAX = 30
QUICK_REPLIES_MAX = 100  # per account: a list a person picks from by eye
UNSEND_WINDOW_SECONDS = 15 * 60


class Folder(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    GENERAL = "general", _("General")
    REQUESTS = "requests", _("Requests")


class MemberState(models.TextChoices):
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")


class Label(models.TextChoices):
    NEW_ORDER = "new_order", _("New order")
    PAID = "paid", _("Paid")
    FOLLOW_UP = "follow_up", _("Follow up")


class MessageKind(models.TextChoices):
    TEXT = "text", _("Text")
    PHOTO = "photo", _("Photo")
    POST = "post", _("Post")
    PRODUCT = "product", _("Product")


class Conversation(models.Model):
    is_group = models.BooleanField(default=False)
    name = models.CharField(max_length=NAME_MAX, blank=True)  # groups only
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    # "<smaller id>:<larger id>" of a one-to-one conversation, null for groups: the database keeps
    # one conversation per pair, also when both start one at the same moment.
    pair_key = models.CharField(max_length=48, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_message = models.ForeignKey("Message", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    last_message_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"conversation {self.pk}"


class Member(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dm_memberships")
    folder = models.CharField(max_length=16, choices=Folder.choices, default=Folder.PRIMARY)
    state = models.CharField(max_length=8, choices=MemberState.choices, default=MemberState.ACTIVE)
    last_read_message_id = models.BigIntegerField(default=0)
    # Messages up to this id are not shown to the member: those before they joined a group, or
    # those of a request they deleted ("hide for me").
    cleared_up_to = models.BigIntegerField(default=0)
    # A deleted request stays out of the inbox until a new message arrives.
    hidden = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="dm_member_once")]
        indexes = [models.Index(fields=["user", "state", "folder"], name="dm_member_inbox")]

    @property
    def is_request(self) -> bool:
        return self.folder == Folder.REQUESTS


class ConversationLabel(models.Model):
    """A label one member (a shop) put on a conversation; the others never see it."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="labels")
    label = models.CharField(max_length=16, choices=Label.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "label"], name="dm_label_once")]


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dm_sent")
    text = models.TextField(max_length=TEXT_MAX, blank=True)
    kind = models.CharField(max_length=8, choices=MessageKind.choices, default=MessageKind.TEXT)
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # A photo, stored like a post's (media.images.store_photo_variants): {} without one.
    photo_files = models.JSONField(default=dict, blank=True)
    photo_width = models.PositiveIntegerField(default=0)
    photo_height = models.PositiveIntegerField(default=0)
    photo_blurhash = models.CharField(max_length=64, blank=True)
    reply_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    unsent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["conversation", "-id"], name="dm_message_recent")]

    @property
    def is_unsent(self) -> bool:
        return self.unsent_at is not None

    def storage_names(self) -> list[str]:
        return sorted({name for variant in self.photo_files.values() for key, name in variant.items()
                       if key in FORMATS})

    def photo_urls(self) -> dict[str, dict[str, str]]:
        return variant_urls(self.photo_files)


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="dm_reaction_once")]


class QuickReply(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quick_replies")
    shortcut = models.CharField(max_length=QUICK_REPLY_SHORTCUT_MAX)
    text = models.TextField(max_length=QUICK_REPLY_TEXT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shortcut"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "shortcut"], name="dm_quick_reply_shortcut"),
            models.CheckConstraint(condition=~Q(shortcut=""), name="dm_quick_reply_shortcut_set"),
        ]
