"""Writes for posts: create, edit, delete, likes, comments, saves, reports.

Every photo is decoded and re-encoded before anything is written; files are
stored before the rows that point to them and removed again if the rows fail,
so a refused or failed upload leaves nothing behind. Counters change with F()
in the transaction that adds or removes the row they count.
"""

from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vitrina.accounts.models import User
from vitrina.core import throttle
from vitrina.core.errors import Forbidden, InvalidInput, NotFound
from vitrina.core.text import clean_text
from vitrina.events import kinds
from vitrina.events.services import record
from vitrina.media import crop, images, pipeline
from vitrina.posts import frames
from vitrina.posts import text as post_text
from vitrina.posts.models import (
    ALT_TEXT_MAX,
    CAPTION_MAX,
    COMMENT_MAX,
    LOCATION_MAX,
    Comment,
    Hashtag,
    Like,
    Post,
    PostHashtag,
    PostMedia,
    PostMention,
    PostReport,
    ReportReason,
    Save,
)
from vitrina.social import visibility
from vitrina.timeline import services as timeline

MAX_HASHTAGS = 30


def _clean(value: str | None, *, multiline: bool = True) -> str:
    return clean_text(value or "", multiline=multiline)


def _check_caption(caption: str) -> list[tuple[str, str]]:
    if len(caption) > CAPTION_MAX:
        raise InvalidInput(
            _("Captions can have at most %(max)s characters.") % {"max": CAPTION_MAX},
            fields={"caption": [_("Captions can have at most %(max)s characters.") % {"max": CAPTION_MAX}]},
        )
    tags = post_text.hashtags_in(caption)
    if len(tags) > MAX_HASHTAGS:
        message = _("A post can have at most %(max)s hashtags.") % {"max": MAX_HASHTAGS}
        raise InvalidInput(message, code="too_many_hashtags", fields={"caption": [message]})
    return tags


def _check_alt_texts(alt_texts: list | None, photos: int) -> list[str]:
    alt_texts = list(alt_texts or [])
    if len(alt_texts) > photos or not all(isinstance(a, str) for a in alt_texts):
        message = _("Give at most one alt text per photo.")
        raise InvalidInput(message, fields={"alt_texts": [message]})
    alt_texts = [_clean(a, multiline=False) for a in alt_texts]
    if any(len(a) > ALT_TEXT_MAX for a in alt_texts):
        message = _("Alt texts can have at most %(max)s characters.") % {"max": ALT_TEXT_MAX}
        raise InvalidInput(message, fields={"alt_texts": [message]})
    return alt_texts + [""] * (photos - len(alt_texts))


def _link_hashtags(post: Post, tags: list[tuple[str, str]]) -> None:
    for key, name in tags:
        hashtag, _created = Hashtag.objects.get_or_create(key=key, defaults={"name": name})
        PostHashtag.objects.create(post=post, hashtag=hashtag)
        Hashtag.objects.filter(pk=hashtag.pk).update(post_count=F("post_count") + 1)


def _unlink_hashtags(post: Post) -> None:
    links = list(PostHashtag.objects.filter(post=post).values_list("pk", "hashtag_id"))
    PostHashtag.objects.filter(pk__in=[pk for pk, _tag in links]).delete()
    for _pk, hashtag_id in links:
        Hashtag.objects.filter(pk=hashtag_id).update(post_count=F("post_count") - 1)


def _mentioned(author: User, text: str) -> list[User]:
    """The accounts @named in the text that the author may find: nobody learns of a mention across a block."""
    names = post_text.mentions_in(text)
    if not names:
        return []
    return list(visibility.accounts_listed(author).filter(username__in=names))


def _link_mentions(post: Post, caption: str, *, before: frozenset[int] = frozenset()) -> None:
    """Mentions of existing accounts are stored (and queryable); each newly mentioned account gets a
    MENTIONED event (an edit that keeps a mention does not mention them again)."""
    users = _mentioned(post.author, caption)
    PostMention.objects.bulk_create([PostMention(post=post, user=user) for user in users])
    for user in users:
        if user.pk not in before:
            record(kinds.MENTIONED, actor=post.author, recipient=user, subject=post, data={"post": post.pk})


def _check_frame(frame: str, crops: list | None, photos: int) -> list[crop.CropBox | None] | None:
    """The crop boxes sent with the photos (None: none sent), checked before any photo is read."""
    if frame not in frames.FrameChoice.values:
        message = _("Choose a frame for the photos: original, square or 4:5.")
        raise InvalidInput(message, code="invalid_frame", fields={"frame": [message]})
    if crops is None:
        return None
    if not isinstance(crops, list) or len(crops) != photos:
        message = _("Each photo needs its place in the frame. Choose the photos again.")
        raise InvalidInput(message, code="invalid_crop", fields={"crops": [message]})
    boxes = []
    for number, value in enumerate(crops, 1):
        try:
            boxes.append(frames.parse_crop(value))
        except ValueError:
            message = _("Photo %(number)s has no valid place in the frame. Choose the photos again.") % {
                "number": number}
            raise InvalidInput(message, code="invalid_crop", fields={"crops": [message]}) from None
    return boxes


def _process_photos(uploads: list, *, frame: str, boxes: list | None) -> list[pipeline.ProcessedPhoto]:
    """Every photo decoded and re-encoded, in order; with a frame chosen or boxes sent, each is first
    cut to the frame (the first photo's own shape, within the range, for the original frame)."""
    if frame == frames.FrameChoice.ORIGINAL and boxes is None:
        return [pipeline.process_photo(images.read_upload(upload)) for upload in uploads]
    ratio = frames.FIXED_RATIOS.get(frame)
    processed = []
    for number, upload in enumerate(uploads, 1):
        data = images.read_upload(upload)
        if ratio is None:
            ratio = frames.clamp_ratio(crop.upright_ratio(data))
        try:
            data = crop.crop_photo(data, box=boxes[number - 1] if boxes else None, ratio=ratio)
        except crop.BoxMismatch:
            message = _("Photo %(number)s has no valid place in the frame. Choose the photos again.") % {
                "number": number}
            raise InvalidInput(message, code="invalid_crop", fields={"crops": [message]}) from None
        processed.append(pipeline.process_photo(data))
    return processed


def post_create(
    *, author: User, uploads: list, caption: str = "", alt_texts: list | None = None, location: str = "",
    frame: str = frames.FrameChoice.ORIGINAL, crops: list | None = None,
) -> Post:
    """A post of the uploaded photos. `frame` (frames.FrameChoice) is the shape they are shown in; `crops`,
    one per photo, where each sits in it ("x,y,width,height" in fractions, or "center"). Without
    crops, a square or 4:5 frame centres each photo; the original frame leaves each photo its shape."""
    throttle.rate_limit(action="post", ident=author.pk)
    if not uploads:
        raise InvalidInput(_("Add at least one photo."), code="no_photos",
                           fields={"images": [_("Add at least one photo.")]})
    limit = settings.MAX_PHOTOS_PER_POST
    if len(uploads) > limit:
        message = ngettext("A post can have at most %(max)d photo.", "A post can have at most %(max)d photos.",
                           limit) % {"max": limit}
        raise InvalidInput(message, code="too_many_photos", fields={"images": [message]})
    caption = _clean(caption)
    tags = _check_caption(caption)
    alt_texts = _check_alt_texts(alt_texts, len(uploads))
    boxes = _check_frame(frame, crops, len(uploads))
    location = _clean(location, multiline=False)
    if len(location) > LOCATION_MAX:
        message = _("Locations can have at most %(max)s characters.") % {"max": LOCATION_MAX}
        raise InvalidInput(message, fields={"location": [message]})

    # All photos are decoded before anything is stored: one bad file refuses the post.
    processed = _process_photos(uploads, frame=frame, boxes=boxes)

    stored: list[str] = []
    try:
        files = [images.store_photo_variants(photo, stored) for photo in processed]
        with transaction.atomic():
            post = Post.objects.create(author=author, caption=caption, location=location)
            PostMedia.objects.bulk_create([
                PostMedia(post=post, position=i, width=photo.width, height=photo.height, blurhash=photo.blurhash,
                          alt_text=alt_texts[i], files=files[i])
                for i, photo in enumerate(processed)
            ])
            _link_hashtags(post, tags)
            _link_mentions(post, caption)
            User.objects.filter(pk=author.pk).update(posts_count=F("posts_count") + 1)
            record(kinds.POST_CREATED, actor=author, subject=post)
            transaction.on_commit(partial(timeline.post_published, post_id=post.pk, author_id=author.pk))
    except BaseException:
        for name in stored:
            images.delete_quietly(name)
        raise
    return post


def _require_author(post: Post, user: User) -> None:
    if post.author_id != user.pk:
        raise Forbidden(_("Only the author can change this post."))


def post_update(
    *, post: Post, editor: User, caption: str | None = None, alt_texts: list | None = None,
    comments_enabled: bool | None = None,
) -> Post:
    _require_author(post, editor)
    media = list(post.media.all())
    if alt_texts is not None:
        alt_texts = _check_alt_texts(alt_texts, len(media))
    if caption is not None:
        caption = _clean(caption)
        tags = _check_caption(caption)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if caption is not None and caption != post.caption:
            _unlink_hashtags(post)
            before = frozenset(PostMention.objects.filter(post=post).values_list("user_id", flat=True))
            PostMention.objects.filter(post=post).delete()
            post.caption = caption
            _link_hashtags(post, tags)
            _link_mentions(post, caption, before=before)
        if comments_enabled is not None:
            post.comments_enabled = bool(comments_enabled)
        post.save(update_fields=["caption", "comments_enabled", "updated_at"])
        if alt_texts is not None:
            for item, alt in zip(media, alt_texts):
                if item.alt_text != alt:
                    PostMedia.objects.filter(pk=item.pk).update(alt_text=alt)
    return post


def post_delete(*, post: Post, actor: User) -> None:
    """The author deletes a post; its photo files go once the rows are gone."""
    _require_author(post, actor)
    names = [name for item in post.media.all() for name in item.storage_names()]
    with transaction.atomic():
        _unlink_hashtags(post)
        deleted, _rows = Post.objects.filter(pk=post.pk).delete()
        if deleted:
            User.objects.filter(pk=post.author_id).update(posts_count=F("posts_count") - 1)
            record(kinds.POST_DELETED, actor=actor, subject_type="post", subject_id=post.pk)
            transaction.on_commit(partial(timeline.post_removed, post_id=post.pk, author_id=post.author_id))
    for name in names:
        transaction.on_commit(partial(images.delete_quietly, name))


def _require_visible(user: User, post: Post) -> None:
    """Writes on a post check it themselves: one that the user may not see does not exist for them."""
    if not Post.objects.visible_to(user).filter(pk=post.pk).exists():
        raise NotFound(_("This post is not available."))


def like_create(*, user: User, post: Post) -> bool:
    """Like a post the user may see. Idempotent."""
    _require_visible(user, post)
    throttle.rate_limit(action="like", ident=user.pk)
    try:
        with transaction.atomic():
            Like.objects.create(user=user, post=post)
            Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
            record(kinds.POST_LIKED, actor=user, recipient_id=post.author_id, subject=post)
    except IntegrityError:
        return False
    return True


def like_delete(*, user: User, post: Post) -> bool:
    with transaction.atomic():
        deleted, _rows = Like.objects.filter(user=user, post=post).delete()
        if deleted:
            Post.objects.filter(pk=post.pk).update(like_count=F("like_count") - 1)
            record(kinds.POST_UNLIKED, actor=user, recipient_id=post.author_id, subject=post)
    return bool(deleted)


def comment_create(*, author: User, post: Post, text: str, reply_to: Comment | None = None) -> Comment:
    """Comment on a post the author may see, or reply to a comment on it that they may see."""
    _require_visible(author, post)
    throttle.rate_limit(action="comment", ident=author.pk)
    if not post.comments_enabled and author.pk != post.author_id:
        raise Forbidden(_("Comments are turned off for this post."), code="comments_off")
    body = _clean(text)
    if not body:
        raise InvalidInput(_("Write a comment."), fields={"text": [_("Write a comment.")]})
    if len(body) > COMMENT_MAX:
        message = _("Comments can have at most %(max)s characters.") % {"max": COMMENT_MAX}
        raise InvalidInput(message, fields={"text": [message]})
    replied_author = None
    if reply_to is not None:
        replied_author = reply_to.author_id
        # A comment by someone not listed for the author is hidden from them: it is not there to reply to.
        if reply_to.post_id != post.pk or not visibility.accounts_listed(author).filter(pk=reply_to.author_id).exists():
            raise InvalidInput(_("You can only reply to a comment on this post."),
                               fields={"reply_to": [_("You can only reply to a comment on this post.")]})
        # One level of replies, as people know it: a reply to a reply joins the same thread.
        reply_to = reply_to.reply_to or reply_to
    with transaction.atomic():
        comment = Comment.objects.create(post=post, author=author, text=body, reply_to=reply_to)
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
        data = {"post": post.pk}
        if replied_author is not None:
            data["reply_to_author"] = replied_author  # whom the reply answers (the thread may start higher)
        record(kinds.COMMENT_CREATED, actor=author, recipient_id=post.author_id, subject=comment, data=data)
        for user in _mentioned(author, body):
            record(kinds.MENTIONED, actor=author, recipient=user, subject=comment,
                   data={"post": post.pk, "comment": comment.pk})
    return comment


def comment_delete(*, comment: Comment, actor: User) -> None:
    """The comment's author or the post's owner deletes it, with its replies."""
    if actor.pk not in (comment.author_id, comment.post.author_id):
        raise Forbidden(_("Only the comment's author or the post's owner can delete it."))
    with transaction.atomic():
        # Locked, so a parallel delete of the same thread finds nothing left to count.
        thread = list(Comment.objects.filter(Q(pk=comment.pk) | Q(reply_to=comment))
                      .select_for_update(of=("self",)).values_list("pk", "author__is_active", "author_id"))
        if not thread:
            return
        Comment.objects.filter(pk__in=[pk for pk, _active, _author in thread]).delete()
        # comment_count counts comments of active accounts only (vitrina.lifecycle.counters):
        # a hidden reply of a deactivated account was already left out of it.
        counted = sum(1 for _pk, active, _author in thread if active)
        if counted:
            Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") - counted)
        record(kinds.COMMENT_DELETED, actor=actor, recipient_id=comment.post.author_id, subject=comment,
               data={"post": comment.post_id, "comments": [pk for pk, _active, _author in thread],
                     "authors": sorted({author for _pk, _active, author in thread})})


def save_create(*, user: User, post: Post) -> None:
    _require_visible(user, post)
    try:
        with transaction.atomic():
            Save.objects.create(user=user, post=post)
    except IntegrityError:
        pass


def save_delete(*, user: User, post: Post) -> None:
    Save.objects.filter(user=user, post=post).delete()


def post_report(*, reporter: User, post: Post, reason: str) -> bool:
    """Report a post the reporter may see, for the moderators. Once per reporter and post: a second
    report changes nothing and returns False (the first one stands)."""
    _require_visible(reporter, post)
    if reason not in ReportReason.values:
        message = _("Choose why you are reporting this post.")
        raise InvalidInput(message, code="invalid_reason", fields={"reason": [message]})
    if post.author_id == reporter.pk:
        raise InvalidInput(_("You cannot report your own post."), code="own_post")
    try:
        with transaction.atomic():
            PostReport.objects.create(reporter=reporter, post=post, reason=reason)
    except IntegrityError:
        return False
    return True
