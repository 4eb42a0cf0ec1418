"""Issue 12, the documents offices print: each kind of document numbered per year.

A counter per kind and year gives the next number; a number given names its document (for the
合法性审查意见书, its legality review) once. On PostgreSQL a number is immutable like the review
it numbers, and a counter never goes back or disappears, so no number is given twice. Reviews
recorded before this migration get their number when their opinion is first issued.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


FORWARD = r"""
CREATE TRIGGER juece_immutable_decisions_documentnumber BEFORE UPDATE OR DELETE
  ON decisions_documentnumber FOR EACH ROW EXECUTE FUNCTION juece_refuse_change();

CREATE OR REPLACE FUNCTION juece_counter_only_goes_up() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.last < OLD.last OR NEW.kind <> OLD.kind OR NEW.year <> OLD.year THEN
    RAISE EXCEPTION 'juece: a document counter only goes up; % refused', TG_OP
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER juece_counter_only_goes_up BEFORE UPDATE OR DELETE ON decisions_documentcounter
  FOR EACH ROW EXECUTE FUNCTION juece_counter_only_goes_up();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS juece_counter_only_goes_up ON decisions_documentcounter;
DROP FUNCTION IF EXISTS juece_counter_only_goes_up();
DROP TRIGGER IF EXISTS juece_immutable_decisions_documentnumber ON decisions_documentnumber;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0015_catalogue'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DocumentCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('legal_review_opinion', 'Legality review opinion'), ('meeting_record', 'Record of the collective decision'), ('decision_explanation', 'Explanation of the decision')], max_length=32, verbose_name='kind of document')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('last', models.PositiveIntegerField(default=0, verbose_name='last number given')),
            ],
            options={
                'verbose_name': 'document counter',
                'verbose_name_plural': 'document counters',
                'constraints': [models.UniqueConstraint(fields=('kind', 'year'), name='one_counter_per_kind_and_year')],
            },
        ),
        migrations.CreateModel(
            name='DocumentNumber',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('legal_review_opinion', 'Legality review opinion'), ('meeting_record', 'Record of the collective decision'), ('decision_explanation', 'Explanation of the decision')], max_length=32, verbose_name='kind of document')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('serial', models.PositiveIntegerField(verbose_name='number within the year')),
                ('assigned_at', models.DateTimeField(auto_now_add=True, verbose_name='assigned at')),
                ('assigned_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='assigned by')),
                ('decision', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='decisions.decision')),
                ('review', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='document_number', to='decisions.legalreview', verbose_name='legality review')),
            ],
            options={
                'verbose_name': 'document number',
                'verbose_name_plural': 'document numbers',
                'ordering': ['kind', 'year', 'serial'],
                'constraints': [models.UniqueConstraint(fields=('kind', 'year', 'serial'), name='document_number_unique_in_its_year'), models.CheckConstraint(condition=models.Q(('serial__gte', 1)), name='document_number_positive'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'legal_review_opinion'), _negated=True), ('review__isnull', False), _connector='OR'), name='review_opinion_number_names_its_review')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
