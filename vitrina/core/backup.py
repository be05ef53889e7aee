"""Backups of the embedded default: the SQLite database, the media files and the secret key.

Only the standard library is used, and Django is not imported, so that
scripts/restore.py can restore into an empty var/ before anything (settings
included) has created files there.

The database is copied with SQLite's online backup API in one step: it reads one
snapshot (in WAL mode readers never block writers), so a backup taken while the
server writes is consistent. The snapshot is taken before the media files are
copied: a photo is stored before the row that points to it is committed, so every
row in the snapshot finds its files (a file written later is an unused extra).
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "vitrina.sqlite3"
SECRET_KEY = "secret_key"
MEDIA = "media"
_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says why, for the operator."""


@dataclass
class BackupSummary:
    path: Path
    tables: dict[str, int]
    media_files: int
    media_bytes: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _table_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _check_database(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"the database copy failed its integrity check: {result}")
        return _table_counts(db)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the database copy is not a readable SQLite database: {exc}") from exc
    finally:
        db.close()


def snapshot_sqlite(source: Path, target: Path) -> dict[str, int]:
    """Copy a live SQLite database to `target` as one consistent snapshot; returns rows per table."""
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    src = sqlite3.connect(source, timeout=20)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # pages=-1: every page in one step, so one read snapshot
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
    finally:
        dst.close()
        src.close()
    return _check_database(target)


def _media_files(media_root: Path):
    if not media_root.is_dir():
        return
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


class _Hashing:
    def __init__(self, f):
        self.f, self.digest = f, hashlib.sha256()

    def read(self, size=-1):
        data = self.f.read(size)
        self.digest.update(data)
        return data


def backup_create(*, database: Path, media_root: Path | None, secret_key_file: Path | None,
                  output_dir: Path, now: datetime | None = None) -> BackupSummary:
    """Write output_dir/vitrina-YYYYmmdd-HHMMSS.tar.gz, readable by its owner only.

    media_root None leaves the media out (they live in object storage); secret_key_file
    None leaves the key out (it comes from the environment, which the operator keeps).
    """
    now = now or datetime.now(timezone.utc)
    output_dir.mkdir(parents=True, exist_ok=True)
    final = output_dir / f"vitrina-{now:%Y%m%d-%H%M%S}.tar.gz"
    if final.exists():
        raise BackupError(f"{final} already exists")
    work = Path(tempfile.mkdtemp(prefix=".backup-", dir=output_dir))
    try:
        snapshot = work / DATABASE
        tables = snapshot_sqlite(database, snapshot)
        partial = work / final.name
        # The archive holds the secret key and private photos: its owner only, from the first byte.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        files: dict[str, str] = {}
        media_count = media_bytes = 0
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(snapshot, arcname=DATABASE)
            files[DATABASE] = _sha256(snapshot)
            if secret_key_file is not None and secret_key_file.is_file():
                tar.add(secret_key_file, arcname=SECRET_KEY)
                files[SECRET_KEY] = _sha256(secret_key_file)
            for path in _media_files(media_root) if media_root is not None else ():
                name = f"{MEDIA}/{path.relative_to(media_root).as_posix()}"
                try:
                    with path.open("rb") as f:
                        info = tar.gettarinfo(fileobj=f, arcname=name)
                        reader = _Hashing(f)
                        tar.addfile(info, reader)
                except FileNotFoundError:
                    continue  # deleted since the snapshot: its row is gone too, or going
                files[name] = reader.digest.hexdigest()
                media_count += 1
                media_bytes += info.size
            manifest = {
                "format": FORMAT,
                "created_at": now.isoformat(),
                "database": {"file": DATABASE, "tables": tables},
                "secret_key": "file" if SECRET_KEY in files else "environment",
                "media": ({"files": media_count, "bytes": media_bytes} if media_root is not None
                          else "object storage (not in this archive)"),
                "sha256": files,
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BackupSummary(path=final, tables=tables, media_files=media_count, media_bytes=media_bytes)


def _is_empty(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _member_target(staging: Path, name: str) -> Path:
    """Where an archive member goes; refuses anything but the known files and media/... ."""
    parts = PurePosixPath(name).parts
    if (not parts or name.startswith("/") or ".." in parts or "\\" in name
            or not (name in (DATABASE, SECRET_KEY, MANIFEST) or (parts[0] == MEDIA and len(parts) > 1))):
        raise BackupError(f"unexpected entry in the archive: {name!r}")
    return staging.joinpath(*parts)


def _extract(archive: Path, staging: Path) -> dict:
    written: dict[str, str] = {}
    with tarfile.open(archive, mode="r:gz") as tar:
        for member in tar:
            if member.isdir():
                continue
            if not member.isfile():
                raise BackupError(f"unexpected entry in the archive: {member.name!r} is not a plain file")
            target = _member_target(staging, member.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            source = tar.extractfile(member)
            with target.open("xb") as out:
                while chunk := source.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            written[member.name] = digest.hexdigest()
    if MANIFEST not in written:
        raise BackupError("the archive has no manifest.json: not a Vitrina backup, or cut short")
    manifest = json.loads((staging / MANIFEST).read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    del written[MANIFEST]
    expected = manifest["sha256"]
    missing, extra = set(expected) - set(written), set(written) - set(expected)
    bad = [name for name in expected if name in written and written[name] != expected[name]]
    if missing or extra or bad:
        raise BackupError(f"the archive does not match its manifest: {len(missing)} missing, "
                          f"{len(extra)} unexpected, {len(bad)} with a wrong checksum"
                          + (f" (e.g. {sorted(missing | extra | set(bad))[0]})"))
    tables = _check_database(staging / DATABASE)
    if tables != manifest["database"]["tables"]:
        raise BackupError("the database in the archive does not hold the rows its manifest counts")
    (staging / MANIFEST).unlink()
    return manifest


def backup_restore(*, archive: Path, var_dir: Path, media_root: Path) -> dict:
    """Restore an archive into an empty var_dir (and media_root); returns its manifest.

    Everything is unpacked beside var_dir and checked (checksums, SQLite integrity,
    row counts) before anything is moved into place, so a bad archive leaves the
    target as it was.
    """
    var_dir, media_root = var_dir.absolute(), media_root.absolute()
    for target in dict.fromkeys([var_dir, media_root]):  # var_dir named first
        if not _is_empty(target):
            raise BackupError(f"{target} is not empty: restore only into an empty directory "
                              f"(move the current one aside first)")
    if not archive.is_file():
        raise BackupError(f"no archive at {archive}")
    var_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{var_dir.name}.restoring-", dir=var_dir.parent))
    try:
        try:
            manifest = _extract(archive, staging)
        except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError, KeyError, TypeError) as exc:
            raise BackupError(f"{archive} is not a readable Vitrina backup ({type(exc).__name__}: {exc})") from exc
        if (staging / SECRET_KEY).exists():
            (staging / SECRET_KEY).chmod(0o600)
        if media_root != var_dir / MEDIA and (staging / MEDIA).exists():
            # MEDIA_ROOT set elsewhere: the files go there (or to its place inside var_dir).
            inside = media_root.is_relative_to(var_dir)
            destination = staging / media_root.relative_to(var_dir) if inside else media_root
            if destination.exists():
                destination.rmdir()
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(staging / MEDIA, destination)
        if var_dir.exists():
            var_dir.rmdir()
        os.replace(staging, var_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest
