"""Statutory gates and immutability enforced by PostgreSQL itself, below any application code.

On SQLite (the embedded default) these are skipped; the services enforce the same rules.
"""

from django.db import migrations

IMMUTABLE_TABLES = [
    "decisions_draftversion",
    "decisions_draftattachment",
    "decisions_legalreview",
    "decisions_counselopinion",
    "decisions_meeting",
    "decisions_meeting_attendees",
    "decisions_memberpositionrecord",
    "decisions_publication",
    "decisions_acceptancereturn",
    "decisions_auditevent",
]

FORWARD = r"""
CREATE OR REPLACE FUNCTION juece_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'juece: rows of % are immutable; % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'check_violation';
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION juece_review_of_current_draft() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM decisions_decision d
                 WHERE d.id = NEW.decision_id AND d.current_version_id = NEW.draft_version_id) THEN
    RAISE EXCEPTION 'juece: a legality review must name the current draft version'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER juece_review_of_current_draft BEFORE INSERT ON decisions_legalreview
  FOR EACH ROW EXECUTE FUNCTION juece_review_of_current_draft();

CREATE OR REPLACE FUNCTION juece_meeting_gate() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM decisions_decision d
                 WHERE d.id = NEW.decision_id AND d.current_version_id = NEW.draft_version_id) THEN
    RAISE EXCEPTION 'juece: the meeting decides on the current draft version only'
      USING ERRCODE = 'check_violation';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM decisions_legalreview r
                 WHERE r.id = NEW.review_id AND r.decision_id = NEW.decision_id)
     OR EXISTS (SELECT 1 FROM decisions_legalreview r
                WHERE r.decision_id = NEW.decision_id AND r.id > NEW.review_id) THEN
    RAISE EXCEPTION 'juece: the meeting relies on the latest legality review of this decision'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER juece_meeting_gate BEFORE INSERT ON decisions_meeting
  FOR EACH ROW EXECUTE FUNCTION juece_meeting_gate();

ALTER TABLE decisions_meeting ADD CONSTRAINT juece_meeting_review_of_draft
  FOREIGN KEY (review_id, draft_version_id, review_outcome)
  REFERENCES decisions_legalreview (id, draft_version_id, outcome);

CREATE OR REPLACE FUNCTION juece_meeting_positions_complete() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM decisions_meeting_attendees a WHERE a.meeting_id = NEW.id)
     OR EXISTS (SELECT 1 FROM decisions_meeting_attendees a
                WHERE a.meeting_id = NEW.id AND NOT EXISTS (
                  SELECT 1 FROM decisions_memberpositionrecord p
                  WHERE p.meeting_id = NEW.id AND p.member_id = a.user_id)) THEN
    RAISE EXCEPTION 'juece: the head decides only after every attending member''s position is recorded'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER juece_meeting_positions_complete AFTER INSERT ON decisions_meeting
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION juece_meeting_positions_complete();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS juece_meeting_positions_complete ON decisions_meeting;
DROP FUNCTION IF EXISTS juece_meeting_positions_complete();
ALTER TABLE decisions_meeting DROP CONSTRAINT IF EXISTS juece_meeting_review_of_draft;
DROP TRIGGER IF EXISTS juece_meeting_gate ON decisions_meeting;
DROP FUNCTION IF EXISTS juece_meeting_gate();
DROP TRIGGER IF EXISTS juece_review_of_current_draft ON decisions_legalreview;
DROP FUNCTION IF EXISTS juece_review_of_current_draft();
"""


def immutable_sql(forward: bool) -> str:
    statements = []
    for table in IMMUTABLE_TABLES:
        name = f"juece_immutable_{table}"
        if forward:
            statements.append(f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} "
                              f"FOR EACH ROW EXECUTE FUNCTION juece_refuse_change();")
        else:
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table};")
    if not forward:
        statements.append("DROP FUNCTION IF EXISTS juece_refuse_change();")
    return "\n".join(statements)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FORWARD, params=None)
    schema_editor.execute(immutable_sql(forward=True))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(immutable_sql(forward=False))
    schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
