"""Uploads in and files out: the byte limit on reading, avatars, storage names and URLs.

Every image that Vitrina stores is decoded and re-encoded by the pipeline, so no
byte of the uploaded file (EXIF, GPS, XMP, comments, appended scripts) reaches storage.
"""

import functools
import logging
import secrets

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver

from vitrina.media import pipeline
from vitrina.media.header import too_large_error

log = logging.getLogger(__name__)

# What a store raises when it cannot delete a file: the file system's errors, and S3's
# (a refused request, or the bucket out of reach).
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


def read_upload(upload) -> bytes:
    """The upload's bytes, refused with TooLarge past MAX_UPLOAD_BYTES without reading more than one byte over."""
    size = getattr(upload, "size", None)
    limit = settings.MAX_UPLOAD_BYTES
    if size is not None and size > limit:
        raise too_large_error()
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large_error()
    return data


def render_avatar(upload) -> pipeline.ProcessedAvatar:
    """A square avatar (a JPEG and smaller WebPs), upright, sRGB, with no metadata."""
    return pipeline.process_avatar(read_upload(upload))


def store(content: bytes, *, folder: str, extension: str) -> str:
    """Save under a random, unguessable name; returns the storage name."""
    name = f"{folder}/{secrets.token_hex(2)}/{secrets.token_urlsafe(18)}.{extension}"
    return default_storage.save(name, ContentFile(content))


def store_avatar_small(processed: pipeline.ProcessedAvatar) -> dict[str, str]:
    """Store the small WebP avatars; {"96": name, "192": name}. Nothing is left behind on failure."""
    names: dict[str, str] = {}
    try:
        for side, content in processed.small.items():
            names[str(side)] = store(content, folder="avatars", extension="webp")
    except BaseException:
        for name in names.values():
            delete_quietly(name)
        raise
    return names


def store_photo_variants(processed: pipeline.ProcessedPhoto, stored: list[str]) -> dict:
    """Store each distinct variant once (its name also appended to `stored`); keys are the
    target widths ("1080", "640", "320"), each {"w", "h", "webp", "jpg"}.

    A photo narrower than a target has the same file under several keys (never upscaled).
    """
    names: dict[tuple[int, str], str] = {}
    files: dict[str, dict] = {}
    for target in pipeline.VARIANT_WIDTHS:
        width = min(target, processed.width)
        for variant in processed.variants:
            if variant.width != width:
                continue
            key = (variant.width, variant.format)
            if key not in names:
                names[key] = store(variant.content, folder="posts", extension=variant.format)
                stored.append(names[key])
            entry = files.setdefault(str(target), {"w": variant.width, "h": variant.height})
            entry[variant.format] = names[key]
    return files


def delete_storage_file(storage, name: str) -> None:
    """Delete a file that is no longer used. A store that fails leaves it behind (logged): the
    change that let it go has been made, often committed, and must not fail after the fact."""
    if name:
        try:
            storage.delete(name)
        except STORAGE_ERRORS as exc:
            log.warning("%s left in storage, the store failed: %s", name, exc)


def delete_quietly(name: str) -> None:
    delete_storage_file(default_storage, name)


@functools.lru_cache(maxsize=10_000)
def _public_url(name: str) -> str:
    return default_storage.url(name)


def url_of(name: str) -> str:
    """The URL of a public file (an avatar). It never changes for a name (no signed query
    strings: S3 is set up with querystring_auth off), so each is worked out once; a feed
    page asks for twenty."""
    return _public_url(name) if name else ""


@receiver(setting_changed)
def _forget_urls(*, setting, **kwargs):
    if setting in {"STORAGES", "MEDIA_URL"}:
        _public_url.cache_clear()
