"""The domain keeps its own stage tasks instead of pointing into the flow engine's tables.

``StageTask`` rows are copied from viewflow's tasks (same numbers, so the audit chain's digests,
which name the task by number, stay valid); the audit events, deadlines and reminders then point
to them, and a decision records its workflow run's number without a foreign key to it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

#: The flow's step names and their stages when this migration was written (workflows/flows.py):
#: the copy reads the stored step reference, never the flow itself. The legal adviser's step
#: came later (migration 0013); it is named here so that going back and forward again keeps it.
STEP_STAGES = {
    "start": "initiation", "initiation": "initiation", "acceptance": "acceptance",
    "public_participation": "public_participation", "expert_input": "expert_input",
    "risk_assessment": "risk_assessment", "revision_after_risk": "revision",
    "legal_review": "legal_review", "revision": "revision",
    "collective_decision": "collective_decision", "publication": "publication",
    "archive": "archived", "counsel_opinion": "legal_review",
}


def copy_tasks(apps, schema_editor):
    StageTask = apps.get_model("decisions", "StageTask")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT process_id, id FROM decisions_decision WHERE process_id IS NOT NULL")
        decision_of = dict(cursor.fetchall())
        referenced = set()
        for table in ("decisions_auditevent", "decisions_taskdeadline", "decisions_reminder"):
            cursor.execute(f"SELECT DISTINCT task_id FROM {table} WHERE task_id IS NOT NULL")
            referenced.update(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT id, process_id, flow_task, flow_task_type, status, owner_id, "
                       "created, finished FROM viewflow_task ORDER BY id")
        rows = cursor.fetchall()
    tasks = []
    for pk, process, ref, kind, status, owner, created, finished in rows:
        if process not in decision_of:
            continue
        if kind not in ("HUMAN", "HUMAN_START") and pk not in referenced:
            continue
        step = (ref or "").rsplit(".", 1)[-1]
        tasks.append(StageTask(
            id=pk, decision_id=decision_of[process], stage=STEP_STAGES.get(step, ""),
            step=step[:64], holder_id=owner, status=status, opened_at=created,
            closed_at=finished if status in ("DONE", "CANCELED") else None))
    StageTask.objects.bulk_create(tasks, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0007_legalreview_conclusion"),
        ("viewflow", "0015_task_scheduled"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="StageTask",
            fields=[
                ("id", models.BigIntegerField(help_text="The number the workflow gave the task.",
                                              primary_key=True, serialize=False,
                                              verbose_name="task number")),
                ("stage", models.CharField(choices=[("initiation", "Initiation"), ("acceptance", "Acceptance"), ("public_participation", "Public participation"), ("expert_input", "Expert input"), ("risk_assessment", "Risk assessment"), ("legal_review", "Legality review"), ("revision", "Revision"), ("collective_decision", "Collective decision"), ("publication", "Publication"), ("archived", "Archived")], max_length=32, verbose_name="stage")),
                ("step", models.CharField(max_length=64, verbose_name="step of the procedure")),
                ("status", models.CharField(choices=[("NEW", "Waiting"), ("ASSIGNED", "Assigned"), ("STARTED", "In progress"), ("DONE", "Done"), ("CANCELED", "Cancelled")], default="NEW", max_length=16, verbose_name="status")),
                ("opened_at", models.DateTimeField(verbose_name="opened at")),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="closed at")),
                ("decision", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                               related_name="tasks", to="decisions.decision")),
                ("holder", models.ForeignKey(blank=True, null=True,
                                             on_delete=django.db.models.deletion.PROTECT,
                                             related_name="+", to=settings.AUTH_USER_MODEL,
                                             verbose_name="holder")),
            ],
            options={
                "verbose_name": "stage task",
                "verbose_name_plural": "stage tasks",
                "ordering": ["id"],
                "indexes": [
                    models.Index(fields=["decision", "status"], name="decisions_task_open_idx"),
                    models.Index(fields=["holder", "status"], name="decisions_task_holder_idx"),
                ],
            },
        ),
        migrations.RunPython(copy_tasks, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="auditevent",
            name="task",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="decisions.stagetask"),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="task",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                    related_name="reminders", to="decisions.stagetask"),
        ),
        migrations.AlterField(
            model_name="taskdeadline",
            name="task",
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                       related_name="deadline", to="decisions.stagetask"),
        ),
        # The decision keeps its process's number in the same column, without the foreign key.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterField(
                    model_name="decision",
                    name="process",
                    field=models.OneToOneField(blank=True, null=True, db_constraint=False,
                                               on_delete=django.db.models.deletion.PROTECT,
                                               related_name="decision",
                                               to="viewflow.process"),
                ),
            ],
            state_operations=[
                migrations.RemoveField(model_name="decision", name="process"),
                migrations.AddField(
                    model_name="decision",
                    name="process_id",
                    field=models.BigIntegerField(
                        blank=True, editable=False, null=True, unique=True,
                        help_text="The number of the workflow run that carries this decision, "
                                  "as the workflow gave it; the domain only records it.",
                        verbose_name="workflow process number"),
                ),
            ],
        ),
    ]
