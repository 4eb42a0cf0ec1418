"""Art. 28: the office names a legal adviser or government lawyer at acceptance, who signs his
own legal opinion in each round of the legality review."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0012_several_consultations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="counselopinion",
            options={"ordering": ["recorded_at", "id"],
                     "verbose_name": "legal adviser's opinion",
                     "verbose_name_plural": "legal advisers' opinions"},
        ),
        migrations.AddField(
            model_name="counselopinion",
            name="declares_no_interest",
            field=models.BooleanField(default=False,
                                      verbose_name="declares no direct interest in the matter"),
        ),
        migrations.AddField(
            model_name="counselopinion",
            name="signature",
            field=models.CharField(blank=True, default="", max_length=100,
                                   verbose_name="signature"),
        ),
        migrations.AddField(
            model_name="decision",
            name="counsel",
            field=models.ForeignKey(
                blank=True,
                help_text="Art. 28: named by the office at acceptance; gives his own legal "
                          "opinion in each round of review.",
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="legal adviser or government lawyer"),
        ),
        migrations.AlterField(
            model_name="counselopinion",
            name="counsel",
            field=models.CharField(max_length=200,
                                   verbose_name="legal adviser or government lawyer"),
        ),
    ]
