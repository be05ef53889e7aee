#!/usr/bin/env python3
"""Restore a `make backup` archive into an empty var/: `make restore ARCHIVE=...`.

A script rather than a manage.py command: loading Django's settings creates var/
and a new secret key in it, and the target must still be empty when the restore
starts. Uses VITRINA_VAR_DIR and MEDIA_ROOT as the settings do (defaults: ./var and
var/media).
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vitrina.core.backup import BackupError, backup_restore  # noqa: E402 - after the path is set


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", type=Path)
    args = parser.parse_args()
    var_dir = Path(os.environ.get("VITRINA_VAR_DIR") or ROOT / "var")
    media_root = Path(os.environ.get("MEDIA_ROOT") or var_dir / "media")
    try:
        manifest = backup_restore(archive=args.archive, var_dir=var_dir, media_root=media_root)
    except BackupError as exc:
        print(f"restore refused: {exc}", file=sys.stderr)
        return 1
    rows = sum(manifest["database"]["tables"].values())
    media = manifest["media"]
    media_text = f"{media['files']} media files" if isinstance(media, dict) else media
    print(f"Restored the backup of {manifest['created_at']} into {var_dir}: {rows} rows, {media_text}.")
    if manifest["secret_key"] != "file":
        print("The secret key was not in the archive: set the same SECRET_KEY as before.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
