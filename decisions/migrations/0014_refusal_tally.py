"""Identical refusals within a minute: one audit event and a count (decisions/audit/refusals.py)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0013_counsel_opinion"),
    ]

    operations = [
        migrations.CreateModel(
            name="RefusalTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("key", models.CharField(max_length=64)),
                ("source", models.CharField(max_length=64)),
                ("minute", models.DateTimeField()),
                ("count", models.PositiveIntegerField(default=1)),
                ("event", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT,
                                               related_name="refusal_tally",
                                               to="decisions.auditevent")),
            ],
            options={
                "verbose_name": "refusal tally",
                "verbose_name_plural": "refusal tallies",
                "indexes": [models.Index(fields=["source", "minute"],
                                         name="decisions_refusal_source_idx")],
                "constraints": [models.UniqueConstraint(fields=("key", "minute"),
                                                        name="decisions_refusal_once_a_minute")],
            },
        ),
    ]
