"""Issue 10, slice C: withdrawal (the decision archived as withdrawn, its record intact) and
independence (Art. 20: each user's unit; the expert's declaration of no direct interest)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0010_statute_meeting_and_publication"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Profile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("unit", models.CharField(blank=True, help_text=(
                    "The unit the person works in, written as a decision's lead unit is "
                    "written."), max_length=120, verbose_name="unit")),
                ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="profile",
                                              to=settings.AUTH_USER_MODEL,
                                              verbose_name="user")),
            ],
            options={
                "verbose_name": "profile",
                "verbose_name_plural": "profiles",
                "ordering": ["user_id"],
            },
        ),
        migrations.CreateModel(
            name="Withdrawal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("stage", models.CharField(choices=[
                    ("initiation", "Initiation"), ("acceptance", "Acceptance"),
                    ("public_participation", "Public participation"),
                    ("expert_input", "Expert input"), ("risk_assessment", "Risk assessment"),
                    ("legal_review", "Legality review"), ("revision", "Revision"),
                    ("collective_decision", "Collective decision"),
                    ("publication", "Publication"), ("archived", "Archived")],
                    max_length=32, verbose_name="stage when withdrawn")),
                ("reason", models.TextField(verbose_name="reason")),
                ("withdrawn_at", models.DateTimeField(auto_now_add=True,
                                                      verbose_name="withdrawn at")),
                ("decision", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT,
                                                  related_name="withdrawal",
                                                  to="decisions.decision")),
                ("withdrawn_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                   related_name="+",
                                                   to=settings.AUTH_USER_MODEL,
                                                   verbose_name="withdrawn by")),
            ],
            options={
                "verbose_name": "withdrawal",
                "verbose_name_plural": "withdrawals",
                "constraints": [models.CheckConstraint(
                    condition=models.Q(("reason", ""), _negated=True),
                    name="withdrawal_reason_required")],
            },
        ),
        migrations.AddField(
            model_name="expertopinion",
            name="declares_no_interest",
            field=models.BooleanField(default=False, help_text=(
                "Art. 20: the expert declared, when signing, that he has no direct interest in "
                "the matter (opinions signed before this was asked say false)."),
                verbose_name="declares no direct interest in the matter"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="status",
            field=models.CharField(choices=[("active", "In procedure"),
                                            ("published", "Adopted and published"),
                                            ("not_adopted", "Not adopted"),
                                            ("withdrawn", "Withdrawn")],
                                   db_index=True, default="active", max_length=20,
                                   verbose_name="status"),
        ),
    ]
