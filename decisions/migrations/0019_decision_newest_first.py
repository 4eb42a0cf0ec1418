"""Issue 13: the decision lists read their page from an index on (created_at, id), newest first,
instead of sorting every decision the reader may see."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0017_refusal_tally_sealed"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(fields=["-created_at", "-id"], name="decision_newest_first"),
        ),
    ]
