"""Back up the embedded default while it runs: SQLite snapshot, media files, secret key (vitrina.core.backup)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from vitrina.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write var/backups/vitrina-<time>.tar.gz: a consistent copy of the SQLite database, media and secret key."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=None,
                            help="directory for the archive (default: var/backups)")

    def handle(self, *args, **options):
        if connection.vendor != "sqlite":
            raise CommandError("This backs up the embedded SQLite default. For PostgreSQL use pg_dump "
                               "(README: 'Backups').")
        # With object storage the media live in the bucket (versioned there, see README).
        local_media = isinstance(default_storage, FileSystemStorage)
        key_file = None if os.environ.get("SECRET_KEY") else settings.VAR_DIR / "secret_key"
        try:
            summary = backup_create(
                database=Path(connection.settings_dict["NAME"]),
                media_root=Path(settings.MEDIA_ROOT) if local_media else None,
                secret_key_file=key_file,
                output_dir=options["output"] or settings.VAR_DIR / "backups",
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(summary.tables.values())
        self.stdout.write(f"{summary.path}: {rows} rows in {len(summary.tables)} tables, "
                          f"{summary.media_files} media files ({summary.media_bytes / 1e6:.1f} MB)"
                          + ("" if local_media else "; media are in object storage, not in the archive")
                          + ("" if key_file else "; SECRET_KEY comes from the environment, keep it"))
