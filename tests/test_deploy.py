"""Production settings pass Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "vitrina.settings",
        "SECRET_KEY": "x8#kQ2!vZr$7mPq@Lw3^nT9&bY6*cU1(hJ4)eF0-gD5_sA" * 2,
        "ALLOWED_HOSTS": "vitrina.example",
        "CSRF_TRUSTED_ORIGINS": "https://vitrina.example",
        "HTTPS": "1",
        "DEBUG": "0",
        "VITRINA_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_default_settings_need_no_servers(tmp_path):
    """With no environment at all, Vitrina picks SQLite, a local cache and local files."""
    code = (
        "from django.conf import settings as s; import django; django.setup();"
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], s.STORAGES['default']['BACKEND'],"
        " s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "vitrina.settings", "VITRINA_VAR_DIR": str(tmp_path)},
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3", "django.core.cache.backends.locmem.LocMemCache",
        "django.core.files.storage.FileSystemStorage", "False",
    ]
    # A secret key was made for this instance and kept private.
    key = tmp_path / "secret_key"
    assert len(key.read_text()) >= 50 and oct(key.stat().st_mode)[-3:] == "600"
