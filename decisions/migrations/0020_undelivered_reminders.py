"""The reminders not yet delivered, in id order: the delivery's walk reads this partial index,
as small as the backlog whatever the history (decisions/deadlines/reminders.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0019_decision_newest_first"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="reminder",
            index=models.Index(condition=models.Q(("delivered_at__isnull", True)),
                               fields=["id"], name="decisions_reminder_undelivered"),
        ),
    ]
