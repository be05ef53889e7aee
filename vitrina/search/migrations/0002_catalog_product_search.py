"""The products search index (titles and descriptions), one kind per database (see indexes.py)."""

from django.db import migrations

from vitrina.search import indexes


def forwards(apps, schema_editor):
    indexes.install_products(schema_editor.connection)


def backwards(apps, schema_editor):
    indexes.uninstall_products(schema_editor.connection)


class Migration(migrations.Migration):
    # CONCURRENTLY on PostgreSQL, as in 0001; every statement is idempotent.
    atomic = False

    dependencies = [
        ("search", "0001_initial"),
        ("shop", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
