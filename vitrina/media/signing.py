"""Expiring signed URLs for post photos.

Post photos of private accounts must not stay reachable by whoever once saw a
URL, so every post photo URL carries an expiry and an HMAC of (name, expiry).
Expiries are rounded to a day so a photo's URL is stable for a day and caches
well; a URL lives between one and two days. Avatars stay public (profiles show
them to everyone).
"""

import hashlib
import hmac
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.storage import default_storage

DAY = 86400
PRIVATE_PREFIXES = ("posts/",)


def _signature(name: str, expires: int) -> str:
    key = hashlib.sha256(b"vitrina-media:" + settings.SECRET_KEY.encode()).digest()
    digest = hmac.new(key, f"{name}|{expires}".encode(), hashlib.sha256).hexdigest()
    return digest[:32]


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
    return default_storage.url(name) + "?" + urlencode({"e": expires, "s": _signature(name, expires)})


def is_valid(name: str, expires: str | None, signature: str | None, *, now: float | None = None) -> bool:
    if not name.startswith(PRIVATE_PREFIXES):
        return True
    if not expires or not signature or not expires.isdigit():
        return False
    now = time.time() if now is None else now
    if int(expires) < now:
        return False
    return hmac.compare_digest(_signature(name, int(expires)), signature)
