"""Shared helpers for the posts tests: real photos as uploads, a post made through the service."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from vitrina.posts import services

PHOTOS = Path(__file__).parent / "data" / "photos"


def photo(name="Canon_40D.jpg"):
    return SimpleUploadedFile(name, (PHOTOS / name).read_bytes(), content_type="image/jpeg")


def make_post(author, *, caption="", photos=("Canon_40D.jpg",), **kwargs):
    return services.post_create(author=author, uploads=[photo(n) for n in photos], caption=caption, **kwargs)


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
