"""Expiring signed URLs for post photos.

Post photos of private accounts must not stay reachable by whoever once saw a
URL, so every post photo URL carries an expiry and an HMAC of (name, expiry).
Expiries are rounded to a day so a photo's URL is stable for a day and caches
well; a URL lives between one and two days. Avatars stay public (profiles show
them to everyone).

Whether a file needs a signature is decided on the stored name that is then served,
never on a spelling of it: `media_name` accepts only the one spelling that storage
writes (see vitrina.media.images.store), so "//posts/...", "./posts/...",
"avatars/../posts/...", "posts/x.jpg/" or a backslash cannot reach a private file
through a path that looks public, and the cache policy follows the same name.
"""

import functools
import hashlib
import hmac
import re
import time

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage

DAY = 86400
PRIVATE_PREFIXES = ("posts/",)
# What storage writes: "<folder>/<shard>/<random>.<ext>" of URL-safe characters. No segment is empty
# or starts with a dot, so a name has no "//", "./", "../", trailing "/", backslash, NUL or escape,
# and normalising it (posixpath.normpath, a file system) changes nothing.
_SEGMENT = r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}"
_NAME = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT}){{0,15}}")
# An expiry is a Unix time in ASCII digits; more than 12 would be past the year 33658.
_EXPIRES = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"[0-9a-f]{32}")


def media_name(path: str) -> str | None:
    """The stored name that a media URL path spells, or None unless it is spelled exactly so."""
    return path if _NAME.fullmatch(path) else None


def is_private(name: str) -> bool:
    # Case-insensitive: on a case-insensitive file system "Posts/..." opens the same file.
    return name.lower().startswith(PRIVATE_PREFIXES)


@functools.lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hashlib.sha256(b"vitrina-media:" + secret.encode()).digest()


def _signature(name: str, expires: int) -> str:
    digest = hmac.new(_key(settings.SECRET_KEY), f"{name}|{expires}".encode(), hashlib.sha256).hexdigest()
    return digest[:32]


def _file_url(name: str) -> str:
    # A stored name is URL-safe already (see _NAME), so the local storage's URL is its base and
    # the name: FileSystemStorage.url's joining and quoting were most of the cost of a post card,
    # which signs six of these per photo (bench/feed.py, realistic profile).
    if isinstance(default_storage, FileSystemStorage) and _NAME.fullmatch(name):
        return f"{default_storage.base_url}{name}"
    return default_storage.url(name)


def signed_url(name: str, *, now: float | None = None) -> str:
    now = time.time() if now is None else now
    expires = (int(now) // DAY + 2) * DAY
    if hasattr(default_storage, "bucket"):
        # S3-compatible storage: the bucket is private and the store signs the URL itself.
        client = default_storage.bucket.meta.client
        return client.generate_presigned_url(
            "get_object", Params={"Bucket": default_storage.bucket_name, "Key": name},
            ExpiresIn=expires - int(now),
        )
    return f"{_file_url(name)}?e={expires}&s={_signature(name, expires)}"


def is_valid(name: str, expires: str | None, signature: str | None, *, now: float | None = None) -> bool:
    """Whether `name` (a media_name) may be served with this query: public, or signed and unexpired."""
    if not is_private(name):
        return True
    if not expires or not signature or not _EXPIRES.fullmatch(expires) or not _SIGNATURE.fullmatch(signature):
        return False
    now = time.time() if now is None else now
    if int(expires) < now:
        return False
    return hmac.compare_digest(_signature(name, int(expires)), signature)
