"""Issue 10 (the statute's gates), slice A: skipping public participation only on the ground
that the matter may not be disclosed by law, confirmed by the office (Art. 14); the exploratory
reform that alone may be found lawful with the legal risk stated, and the meeting's record that
the stated risk was put to it (Art. 25 para. 2).

Meetings recorded before this migration keep ``risk_acknowledged`` false: the service requires
it from now on, and no database constraint rewrites what an earlier record did not say."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0008_stage_tasks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="exploratory_reform",
            field=models.BooleanField(default=False, help_text="An exploratory reform on which the state has no clear rule: only such a decision may be found lawful with the legal risk stated (Art. 25 para. 2).", verbose_name="exploratory reform"),
        ),
        migrations.AddField(
            model_name="decision",
            name="participation_skip_basis",
            field=models.TextField(blank=True, default="", verbose_name="law that bars disclosure"),
        ),
        migrations.AddField(
            model_name="decision",
            name="participation_skip_confirmed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="skip of public participation confirmed at"),
        ),
        migrations.AddField(
            model_name="decision",
            name="participation_skip_confirmed_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="skip of public participation confirmed by"),
        ),
        migrations.AddField(
            model_name="decision",
            name="participation_skip_ground",
            field=models.CharField(blank=True, choices=[("not_disclosable", "The matter may not be disclosed by law (Art. 14)")], default="", max_length=32, verbose_name="ground for not hearing the public"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="risk_acknowledged",
            field=models.BooleanField(default=False, help_text="Art. 25 para. 2: the legal risk the review stated was put to the meeting.", verbose_name="stated legal risk put to the meeting"),
        ),
    ]
