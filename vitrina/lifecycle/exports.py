"""Download your data: a zip of the member's profile, posts with photos, comments, likes,
saves, follows, messages, orders, addresses and reviews (export_sections), built in the background
and kept privately for EXPORT_TTL_DAYS.

Exports never live under the public media URL. Locally they are files under
EXPORT_ROOT (outside MEDIA_ROOT); with S3 they are private objects under `exports/`.
Either way only the owner downloads one, through a view that checks who asks.
"""

import json
import secrets
import tempfile
import zipfile
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from vitrina.accounts.models import User
from vitrina.lifecycle import export_sections
from vitrina.lifecycle.models import DataExport, ExportStatus
from vitrina.media import images
from vitrina.posts.models import Comment, Like, Post, Save
from vitrina.social.models import Follow

README = """Your Vitrina data
=================

Made for @{username} on {made} (UTC).

profile.json    your account: name, bio, website, type, privacy, contact fields
avatar.jpg      your profile photo, if you had one
posts.json      your posts: caption, location, hashtags, counts, alt texts, and the
                file name of each photo under photos/ (the largest size stored)
comments.json   the comments you wrote, with the post each is on
likes.json      the posts you liked
saves.json      the posts you saved
followers.json  the accounts that follow you
following.json  the accounts you follow
messages.json   your conversations and their messages, as you see them in the app;
                photos sent in them under messages/
orders.json     the orders you placed, with their lines, prices and history
addresses.json  your saved shipping addresses
reviews.json    the reviews you wrote and the shops' replies

Times are ISO 8601 in UTC. Vitrina keeps no original uploads: photos are the
re-encoded copies that were shown, without metadata.
"""


def storage():
    """Where exports are kept: a private prefix of the bucket with S3, else EXPORT_ROOT."""
    default = settings.STORAGES.get("default", {})
    if default.get("BACKEND") == "storages.backends.s3.S3Storage":
        from storages.backends.s3 import S3Storage

        options = {**default.get("OPTIONS", {}), "location": "exports", "custom_domain": None,
                   "querystring_auth": True, "default_acl": "private"}
        return S3Storage(**options)
    return FileSystemStorage(location=settings.EXPORT_ROOT)


def delete_file(name: str) -> None:
    images.delete_storage_file(storage(), name)


def _json(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _post_ref(post: Post) -> dict:
    return {"post_id": post.pk, "post_author": post.author.username,
            "post_path": post.get_absolute_url()}


def _people(rows, person: str) -> list[dict]:
    return [{"username": getattr(row, person).username, "since": row.created_at} for row in rows]


def write_zip(user: User, target) -> None:
    """Write the member's data as a zip into the open binary file `target`."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", README.format(username=user.username, made=timezone.now().strftime("%Y-%m-%d %H:%M")))
        zf.writestr("profile.json", _json({
            "username": user.username, "display_name": user.display_name, "email": user.email,
            "bio": user.bio, "website": user.website, "account_type": user.account_type,
            "is_private": user.is_private, "category": user.category, "city": user.city,
            "contact_email": user.contact_email, "contact_phone": user.contact_phone,
            "date_joined": user.date_joined, "avatar": "avatar.jpg" if user.avatar else None,
        }))
        if user.avatar:
            _copy(zf, user.avatar, "avatar.jpg")
        posts = []
        for post in Post.objects.filter(author=user).prefetch_related("media", "hashtag_links__hashtag").order_by("pk"):
            photos = []
            for item in post.media.all():
                name = export_sections.largest_photo(item.files)
                arcname = f"photos/{post.pk}-{item.position + 1}.{name.rsplit('.', 1)[-1]}"
                _copy(zf, name, arcname)
                photos.append({"file": arcname, "alt_text": item.alt_text, "width": item.width,
                               "height": item.height})
            posts.append({
                "id": post.pk, "caption": post.caption, "location": post.location, "created_at": post.created_at,
                "hashtags": [link.hashtag.name for link in post.hashtag_links.all()],
                "like_count": post.like_count, "comment_count": post.comment_count, "photos": photos,
            })
        zf.writestr("posts.json", _json(posts))
        comments = Comment.objects.filter(author=user).select_related("post__author").order_by("pk")
        zf.writestr("comments.json", _json([
            {"id": c.pk, "text": c.text, "reply_to": c.reply_to_id, "created_at": c.created_at, **_post_ref(c.post)}
            for c in comments
        ]))
        for filename, model in (("likes.json", Like), ("saves.json", Save)):
            rows = model.objects.filter(user=user).select_related("post__author").order_by("pk")
            zf.writestr(filename, _json([{"created_at": row.created_at, **_post_ref(row.post)} for row in rows]))
        # Accounts that are deactivated or suspended are invisible everywhere, here too.
        followers = Follow.objects.filter(target=user, follower__is_active=True).select_related("follower")
        following = Follow.objects.filter(follower=user, target__is_active=True).select_related("target")
        zf.writestr("followers.json", _json(_people(followers.order_by("pk"), "follower")))
        zf.writestr("following.json", _json(_people(following.order_by("pk"), "target")))
        conversations, photos = export_sections.conversations(user)
        for name, arcname in photos:
            _copy(zf, name, arcname)
        zf.writestr("messages.json", _json(conversations))
        zf.writestr("orders.json", _json(export_sections.orders(user)))
        zf.writestr("addresses.json", _json(export_sections.addresses(user)))
        zf.writestr("reviews.json", _json(export_sections.reviews(user)))


def _copy(zf: zipfile.ZipFile, name: str, arcname: str) -> None:
    """A stored file into the zip, as is (photos are compressed already)."""
    try:
        source = default_storage.open(name, "rb")
    except OSError:
        return  # A file lost from storage leaves a gap, not a failed export.
    with source, zf.open(zipfile.ZipInfo(arcname, date_time=timezone.now().timetuple()[:6]), "w") as out:
        for chunk in iter(partial(source.read, 1 << 16), b""):
            out.write(chunk)


def build(*, export_id: int) -> None:
    """Build a pending export. Idempotent: a ready, failed or deleted one is left alone."""
    export = DataExport.objects.filter(pk=export_id, status=ExportStatus.PENDING).select_related("user").first()
    if export is None:
        return
    name = f"{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.zip"
    try:
        with tempfile.TemporaryFile() as tmp:
            write_zip(export.user, tmp)
            size = tmp.tell()
            tmp.seek(0)
            name = storage().save(name, File(tmp))
    except Exception:
        DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED, finished_at=timezone.now())
        raise
    now = timezone.now()
    updated = DataExport.objects.filter(pk=export.pk, status=ExportStatus.PENDING).update(
        status=ExportStatus.READY, file=name, size=size, finished_at=now,
        expires_at=now + timedelta(days=settings.EXPORT_TTL_DAYS),
    )
    if not updated:  # Built twice (a retried task) or the account went meanwhile.
        delete_file(name)


def expire_due(*, now=None) -> int:
    """Delete exports past their link's life (and unfinished ones after the same time); returns how many."""
    now = now or timezone.now()
    stale = DataExport.objects.filter(expires_at__lte=now) | DataExport.objects.filter(
        status__in=[ExportStatus.FAILED, ExportStatus.PENDING],
        created_at__lte=now - timedelta(days=settings.EXPORT_TTL_DAYS),
    )
    count = 0
    for export in list(stale):
        if DataExport.objects.filter(pk=export.pk).delete()[0]:
            delete_file(export.file)
            count += 1
    return count
