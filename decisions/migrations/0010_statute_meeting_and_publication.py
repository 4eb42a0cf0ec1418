"""Issue 10, slice B (Arts. 29-32): every member of the decision organ accounted for at a meeting
(an absence with its reason), and the publication bound to the adopted draft version (its
SHA-256) with the report to the Party committee (Art. 31).

A publication recorded before this migration keeps its row untouched (publications are
immutable): its ``draft_sha256`` and report stay empty; its ``draft_version`` names the version.
On PostgreSQL an absence is immutable like the meeting it belongs to, and a publication's hash
and text must be those of the draft version it names.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


FORWARD = r"""
CREATE TRIGGER juece_immutable_decisions_meetingabsence BEFORE UPDATE OR DELETE
  ON decisions_meetingabsence FOR EACH ROW EXECUTE FUNCTION juece_refuse_change();

CREATE OR REPLACE FUNCTION juece_publication_of_its_draft() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM decisions_draftversion v
                 WHERE v.id = NEW.draft_version_id AND v.decision_id = NEW.decision_id
                   AND v.sha256 = NEW.draft_sha256 AND v.text = NEW.published_text) THEN
    RAISE EXCEPTION 'juece: the published text is the adopted draft version, bound by its hash'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER juece_publication_of_its_draft BEFORE INSERT ON decisions_publication
  FOR EACH ROW EXECUTE FUNCTION juece_publication_of_its_draft();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS juece_publication_of_its_draft ON decisions_publication;
DROP FUNCTION IF EXISTS juece_publication_of_its_draft();
DROP TRIGGER IF EXISTS juece_immutable_decisions_meetingabsence ON decisions_meetingabsence;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0009_statute_participation_and_risk"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="draft_sha256",
            field=models.CharField(blank=True, default="", max_length=64,
                                   verbose_name="SHA-256 of the adopted draft"),
        ),
        migrations.AddField(
            model_name="publication",
            name="party_report_on",
            field=models.DateField(blank=True, null=True,
                                   verbose_name="reported to the Party committee on"),
        ),
        migrations.AddField(
            model_name="publication",
            name="party_report_ref",
            field=models.CharField(blank=True, default="", max_length=200,
                                   verbose_name="reference of the report to the Party committee"),
        ),
        migrations.CreateModel(
            name="MeetingAbsence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("reason", models.TextField(verbose_name="reason for absence")),
                ("meeting", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                              related_name="absences", to="decisions.meeting")),
                ("member", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                             related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "member's absence",
                "verbose_name_plural": "members' absences",
                "ordering": ["id"],
                "constraints": [
                    models.UniqueConstraint(fields=("meeting", "member"),
                                            name="one_absence_per_member"),
                    models.CheckConstraint(condition=models.Q(("reason", ""), _negated=True),
                                           name="absence_reason_required"),
                ],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
