"""The Russian and Bengali catalogs are complete and their placeholders match."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "vitrina" / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@pytest.mark.parametrize("language", ["ru", "bn"])
def test_catalog_is_complete(language):
    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(catalog) > 100
    assert catalog.untranslated_entries() == []
    assert catalog.fuzzy_entries() == []
    for entry in catalog:
        expected = set(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert text.strip(), entry.msgid
            assert set(PLACEHOLDER.findall(text)) == expected, (entry.msgid, text)


def test_catalogs_cover_every_string_in_the_code(tmp_path):
    """makemessages over the code finds no msgid the catalogs lack."""
    if subprocess.run(["which", "xgettext"], capture_output=True).returncode != 0:
        pytest.fail("GNU gettext (xgettext) is needed for this check: apt-get install gettext")
    # A copy of the code, so makemessages rewrites the copy's catalog, not ours.
    shutil.copytree(ROOT / "vitrina", tmp_path / "vitrina", ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ru", "--no-location", "-v", "0"],
        cwd=tmp_path, check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "vitrina.settings", "VITRINA_VAR_DIR": str(tmp_path)},
    )
    found = {(e.msgctxt, e.msgid)
             for e in polib.pofile(str(tmp_path / "vitrina" / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
             if not e.obsolete}
    have = {(e.msgctxt, e.msgid) for e in polib.pofile(str(LOCALE / "ru" / "LC_MESSAGES" / "django.po"))
            if not e.obsolete}
    assert found - have == set(), "Run `make messages` and translate the new strings"
