"""make backup / make restore: an online SQLite snapshot plus media, restored into an empty var/."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.posts_helpers import make_post
from vitrina.core.backup import BackupError, backup_restore
from vitrina.posts import services as post_services
from vitrina.posts.models import Post

ROOT = Path(__file__).resolve().parent.parent


def run_backup(settings, tmp_path) -> Path:
    call_command("backup", output=tmp_path / "backups", stdout=io.StringIO())
    (archive,) = (tmp_path / "backups").glob("vitrina-*.tar.gz")
    return archive


@pytest.fixture
def var_dir(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    var = tmp_path / "var"
    var.mkdir()
    (var / "secret_key").write_text("the-instance-key-that-signs-sessions")
    settings.VAR_DIR = var
    return var


def restored_rows(db: Path, sql: str):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_backup_taken_while_another_thread_writes_restores_rows_and_files(make_user, settings, tmp_path, var_dir):
    author, fan = make_user("author"), make_user("fan")
    posts = [make_post(author, caption=f"photo {i} #harbour", photos=("Canon_40D.jpg", "Nikon_D70.jpg"))
             for i in range(3)]
    for post in posts:
        post_services.like_create(user=fan, post=post)
    writes, stop, started = [], threading.Event(), threading.Event()

    def writer():
        # Likes and comments that change counters in the same transactions, all through the backup.
        others = [make_user(f"writer{i}") for i in range(40)]
        try:
            for i, other in enumerate(others):
                if stop.is_set():
                    break
                post = posts[i % len(posts)]
                post_services.like_create(user=other, post=post)
                post_services.comment_create(author=other, post=post, text=f"comment {i}")
                writes.append(i)
                if len(writes) == 3:
                    started.set()
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert started.wait(timeout=60)
    during = len(writes)
    archive = run_backup(settings, tmp_path)
    after = len(writes)
    stop.set()
    thread.join(timeout=60)
    assert during >= 3 and thread.is_alive() is False and after >= during
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # it holds the secret key and private photos

    target = tmp_path / "fresh-clone" / "var"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "restore.py"), str(archive)],
                            env={**os.environ, "VITRINA_VAR_DIR": str(target), "MEDIA_ROOT": ""},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Restored the backup" in result.stdout
    assert (target / "secret_key").read_text() == "the-instance-key-that-signs-sessions"
    db = target / "vitrina.sqlite3"

    # One consistent snapshot: every counter equals the rows it counts, as in a committed state.
    counters = restored_rows(db, "SELECT p.id, p.like_count, p.comment_count,"
                                 " (SELECT count(*) FROM posts_like l WHERE l.post_id = p.id),"
                                 " (SELECT count(*) FROM posts_comment c WHERE c.post_id = p.id) FROM posts_post p")
    assert sorted(row[0] for row in counters) == sorted(p.pk for p in posts)
    assert all(row[1] == row[3] and row[2] == row[4] for row in counters), counters
    likes = restored_rows(db, "SELECT count(*) FROM posts_like")[0][0]
    assert 3 + during <= likes <= 3 + len(writes)
    users = restored_rows(db, "SELECT id, username, email FROM accounts_user WHERE username IN ('author', 'fan')")
    assert sorted(users) == sorted((u.pk, u.username, u.email) for u in (author, fan))

    # Every file a restored row points to is there, byte for byte.
    media, restored_media = Path(settings.MEDIA_ROOT), target / "media"
    names = {name for (files,) in restored_rows(db, "SELECT files FROM posts_postmedia")
             for variant in json.loads(files).values() for key, name in variant.items() if key in ("webp", "jpg")}
    assert len(names) >= 3 * 2 * 2
    for name in names:
        assert (restored_media / name).read_bytes() == (media / name).read_bytes()
    assert {p.relative_to(restored_media) for p in restored_media.rglob("*") if p.is_file()} == {
        p.relative_to(media) for p in media.rglob("*") if p.is_file()}


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_target_that_is_not_empty(make_user, settings, tmp_path, var_dir):
    make_post(make_user("author"))
    archive = run_backup(settings, tmp_path)
    target = tmp_path / "live" / "var"
    target.mkdir(parents=True)
    (target / "vitrina.sqlite3").write_bytes(b"today's data")
    with pytest.raises(BackupError, match="is not empty"):
        backup_restore(archive=archive, var_dir=target, media_root=target / "media")
    assert (target / "vitrina.sqlite3").read_bytes() == b"today's data"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "restore.py"), str(archive)],
                            env={**os.environ, "VITRINA_VAR_DIR": str(target), "MEDIA_ROOT": ""},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "is not empty" in result.stderr
    # A separate MEDIA_ROOT with files in it is refused the same way.
    media = tmp_path / "media-elsewhere"
    (media / "posts").mkdir(parents=True)
    (media / "posts" / "kept.webp").write_bytes(b"x")
    with pytest.raises(BackupError, match="is not empty"):
        backup_restore(archive=archive, var_dir=tmp_path / "empty-var", media_root=media)
    assert not (tmp_path / "empty-var").exists()


def _rewrite(archive: Path, out: Path, change) -> Path:
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read() if member.isfile() else None
            member, data = change(member, data)
            if member is not None:
                dst.addfile(member, io.BytesIO(data) if data is not None else None)
    return out


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_a_corrupt_or_tampered_archive_is_refused_with_a_clear_error_and_leaves_nothing(
        make_user, settings, tmp_path, var_dir):
    make_post(make_user("author"))
    archive = run_backup(settings, tmp_path)
    raw = archive.read_bytes()

    def media_changed(member, data):
        if member.name.startswith("media/") and member.name.endswith(".jpg"):
            data = data[:-1] + bytes([data[-1] ^ 1])
        return member, data

    def traversal(member, data):
        if member.name.startswith("media/"):
            member.name = "../../outside.jpg"
        return member, data

    def manifest_dropped(member, data):
        return (None, None) if member.name == "manifest.json" else (member, data)

    cases = {
        "truncated.tar.gz": ("not a readable Vitrina backup", lambda p: p.write_bytes(raw[: len(raw) // 2])),
        "garbage.tar.gz": ("not a readable Vitrina backup", lambda p: p.write_bytes(b"not an archive" * 100)),
        "tampered.tar.gz": ("does not match its manifest", lambda p: _rewrite(archive, p, media_changed)),
        "traversal.tar.gz": ("unexpected entry", lambda p: _rewrite(archive, p, traversal)),
        "no-manifest.tar.gz": ("no manifest.json", lambda p: _rewrite(archive, p, manifest_dropped)),
    }
    for name, (message, make) in cases.items():
        bad = tmp_path / name
        make(bad)
        target = tmp_path / f"target-{name}" / "var"
        with pytest.raises(BackupError, match=message):
            backup_restore(archive=bad, var_dir=target, media_root=target / "media")
        assert not target.exists(), name
        assert sorted(p.name for p in target.parent.iterdir()) == [], name  # no half-restored staging left
    assert not (tmp_path / "outside.jpg").exists()


@pytest.mark.postgresql
@pytest.mark.django_db
def test_backup_on_postgresql_points_to_pg_dump(settings, tmp_path):
    with pytest.raises(CommandError, match="pg_dump"):
        call_command("backup", output=tmp_path / "backups", stdout=io.StringIO())
