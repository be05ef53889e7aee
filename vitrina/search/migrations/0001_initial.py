"""Search indexes on accounts_user and posts_post, one kind per database (see indexes.py)."""

from django.db import migrations

# Imported, not copied: the post-migrate repair runs the same DDL, and the two
# must never disagree about trigger names or tokenizers.
from vitrina.search import indexes


def forwards(apps, schema_editor):
    indexes.install(schema_editor.connection)


def backwards(apps, schema_editor):
    indexes.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    # PostgreSQL builds the indexes CONCURRENTLY, which a transaction does not allow;
    # every statement is idempotent, so a migration cut short can simply run again.
    atomic = False

    dependencies = [
        ("accounts", "0001_initial"),
        ("posts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
