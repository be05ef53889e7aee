"""`seed_demo()` for tests that need the demo's data rather than a test of its seeding.

The command takes several seconds (some forty photos through the media pipeline, a month of insights
folded, Explore and the rating built), and a dozen tests per pass need its data. The first call in a test
process, on each database, runs the command for real and keeps what it wrote: the rows of every table it
filled and the media files. Later calls, where those tables are empty, put them back (a few hundred
milliseconds). So a test reads exactly what seed_demo wrote in this process, on this database. Where
those tables are not empty, the command runs for real.

Tests of the command itself (its idempotence, a demo seeded before the shops existed) call it directly.
"""

import atexit
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from vitrina.accounts.models import User


@dataclass
class _Snapshot:
    tables: dict  # table -> (columns, rows) on SQLite, or COPY's bytes on PostgreSQL
    media: Path


_snapshots: dict[tuple, _Snapshot] = {}


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _filled(tables) -> set[str]:
    with connection.cursor() as cursor:
        filled = set()
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone():
                filled.add(table)
    return filled


def _take(tables) -> dict:
    taken = {}
    with connection.cursor() as cursor:
        for table in tables:
            name = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {name} TO STDOUT") as copy:
                    taken[table] = b"".join(bytes(block) for block in copy)
            else:
                cursor.execute(f"SELECT * FROM {name}")
                taken[table] = ([column[0] for column in cursor.description], cursor.fetchall())
    return taken


def _put_back(taken: dict) -> None:
    # One transaction: the foreign keys are checked at its commit, whatever the tables' order.
    with transaction.atomic(), connection.cursor() as cursor:
        for table, data in taken.items():
            name = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {name} FROM STDIN") as copy:
                    copy.write(data)
            else:
                columns, rows = data
                cursor.executemany(f"INSERT INTO {name} ({', '.join(map(connection.ops.quote_name, columns))}) "
                                   f"VALUES ({', '.join(['%s'] * len(columns))})", rows)
        # PostgreSQL's sequences do not move for rows given their ids (SQLite's AUTOINCREMENT does).
        models = [model for model in apps.get_models(include_auto_created=True) if model._meta.db_table in taken]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def seed_demo() -> None:
    """The demo's data in the test database and MEDIA_ROOT, as `seed_demo` writes them."""
    key = (connection.vendor, connection.settings_dict["NAME"])
    snapshot = _snapshots.get(key)
    if snapshot is not None and not _filled(snapshot.tables):
        _put_back(snapshot.tables)
        shutil.copytree(snapshot.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
        return
    tables = _tables()
    before = _filled(tables)
    call_command("seed_demo", verbosity=0)
    # Kept only from a database without accounts (a flush leaves Django's content types and permissions),
    # and only the tables the command filled.
    if snapshot is None and User._meta.db_table not in before:
        media = Path(tempfile.mkdtemp(prefix="vitrina-demo-media-"))
        atexit.register(shutil.rmtree, media, ignore_errors=True)  # gone with the test process
        shutil.copytree(settings.MEDIA_ROOT, media, dirs_exist_ok=True)
        _snapshots[key] = _Snapshot(tables=_take(sorted(_filled(tables) - before)), media=media)
