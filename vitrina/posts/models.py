from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vitrina.media.signing import signed_url
from vitrina.social import visibility

CAPTION_MAX = 2200
COMMENT_MAX = 2200
LOCATION_MAX = 120
ALT_TEXT_MAX = 300
# Formats of each stored size of a photo (vitrina.media.pipeline), in the order clients should prefer.
FORMATS = ("webp", "jpg")


class PostQuerySet(models.QuerySet):
    def visible_to(self, viewer):
        """Posts the viewer may see: their authors' content is visible to the viewer (vitrina.social.visibility)."""
        return self.filter(visibility.content_q(viewer, account="author"))


class Post(models.Model):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
    caption = models.TextField(max_length=CAPTION_MAX, blank=True)
    location = models.CharField(max_length=LOCATION_MAX, blank=True)
    comments_enabled = models.BooleanField(default=True)
    # Products tagged on the photos, as the post card shows them: written by vitrina.shop.tags
    # whenever a tag or a tagged product changes (with updated_at, the card's version).
    product_tags = models.JSONField(default=list, blank=True)
    # Counters change only through services, with F() in the transaction that writes the row.
    like_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["author", "-id"], name="post_author_id"),
            models.Index(fields=["created_at"], name="post_created"),  # trending hashtags count recent uses
        ]

    def __str__(self):
        return f"{self.author_id}/{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("posts:detail", args=[self.pk])

    # The two below read links prefetched by vitrina.posts.selectors.with_details.
    def hashtag_names(self) -> list[str]:
        return [link.hashtag.name for link in self.hashtag_links.all()]

    def mentioned_usernames(self) -> list[str]:
        return [link.user.username for link in self.mention_links.all()]


def variant_urls(files: dict) -> dict[str, dict[str, str]]:
    """{"1080": {"webp": url, "jpg": url}, "640": ..., "320": ...} of a PostMedia's `files`; the URLs
    expire (see media.signing)."""
    return {width: {fmt: signed_url(entry[fmt]) for fmt in FORMATS if fmt in entry} for width, entry in files.items()}


class PostMedia(models.Model):
    """One photo of a carousel. The original upload is not kept: only re-encoded variants."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="media")
    position = models.PositiveSmallIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    blurhash = models.CharField(max_length=64)
    alt_text = models.CharField(max_length=ALT_TEXT_MAX, blank=True)
    # {"1080": {"webp": "<storage name>", "jpg": "<storage name>", "w": 1080, "h": 1350}, "640": {...}, ...}
    files = models.JSONField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["post", "position"], name="post_media_position")]

    def storage_names(self) -> list[str]:
        return sorted({name for variant in self.files.values() for key, name in variant.items() if key in FORMATS})

    def signed_urls(self) -> dict[str, dict[str, str]]:
        return variant_urls(self.files)


class Hashtag(models.Model):
    # One tag per key (vitrina.posts.text.hashtag_key: case-folded, without ZWJ/ZWNJ), so
    # #Москва and #москва, or a Bengali word typed with or without a joiner, are one tag;
    # shown by its name as first typed (case-folded, joiners kept).
    key = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=100)
    post_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"#{self.name}"


class PostHashtag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="hashtag_links")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="post_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hashtag", "post"], name="post_hashtag_unique")]
        indexes = [models.Index(fields=["hashtag", "-post"], name="post_hashtag_recent")]


class PostMention(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mention_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentioned_in")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="post_mention_unique")]


class Like(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="like_unique")]
        indexes = [
            models.Index(fields=["post", "-id"], name="like_post_recent"),
            # Explore reads what people liked (co-likes) index-only through this one.
            models.Index(fields=["user", "post"], name="like_user_post"),
        ]


class Comment(models.Model):
    """One level of replies: a reply to a reply hangs under the same top-level comment."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    reply_to = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    text = models.TextField(max_length=COMMENT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["post", "id"], name="comment_post_id")]


class Save(models.Model):
    """A bookmark, visible only to the person who saved."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saves")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="saves")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="save_unique")]
        indexes = [models.Index(fields=["user", "-id"], name="save_user_recent")]


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    NUDITY = "nudity", _("Nudity or sexual content")
    VIOLENCE = "violence", _("Violence or dangerous acts")
    HATE = "hate", _("Hate speech or symbols")
    SCAM = "scam", _("Scam or fraud")
    OTHER = "other", _("Something else")


class PostReport(models.Model):
    """A member's report of a post, for moderators (Django admin). One per reporter and post."""

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_reports")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=16, choices=ReportReason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reporter", "post"], name="post_report_once")]
        indexes = [models.Index(fields=["-created_at"], name="post_report_recent")]  # the moderators' queue

    def __str__(self):
        return f"{self.reporter_id} -> {self.post_id}: {self.reason}"
