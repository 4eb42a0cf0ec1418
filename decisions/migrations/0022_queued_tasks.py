"""The flow's queued tasks in task order: the queue's page (``workflows/queues.py``) walks this
partial index and stops at the page's end, as small as the open work, not the history. The
table is viewflow's; the index is ours."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0021_readers_generation"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS juece_viewflow_task_queued ON viewflow_task (id) "
            "WHERE status = 'NEW'",
            "DROP INDEX IF EXISTS juece_viewflow_task_queued",
        ),
    ]
