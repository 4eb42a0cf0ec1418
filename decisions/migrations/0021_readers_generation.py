"""The readers' generation: a sequence moved after each committed change of who may read what,
under which the API's decision list keeps its reader's count (decisions/readable_counts.py).
PostgreSQL only: elsewhere every count is counted."""

from django.db import migrations

SEQUENCE = "decisions_readers_generation"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0020_undelivered_reminders"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
