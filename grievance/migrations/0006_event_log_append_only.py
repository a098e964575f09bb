"""The complaint event log and the "who looked" log are append-only, enforced by PostgreSQL itself.

A trigger rejects UPDATE and DELETE on both tables (SQLSTATE 23001, ``restrict_violation``: Django
raises IntegrityError). The one exception is the anonymisation after the retention period
(``grievance.services.privacy``): inside its transaction it sets ``grievance.redaction = 'on'`` and
may then change an event's ``note`` and ``payload`` only — never its action, time, actor or statuses.
No-op on SQLite (the embedded development default).
"""

from django.db import migrations

TABLES = ("grievance_complaintevent", "grievance_personaldataread")

FUNCTION = """
CREATE OR REPLACE FUNCTION grievance_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Nested: PL/pgSQL may evaluate every operand of an AND, and only the event table has these columns.
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'grievance_complaintevent' THEN
        IF current_setting('grievance.redaction', true) = 'on'
           AND (NEW.id, NEW.complaint_id, NEW.at, NEW.actor_id, NEW.actor_unit_id, NEW.action,
                NEW.from_status, NEW.to_status, NEW.public)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.complaint_id, OLD.at, OLD.actor_id, OLD.actor_unit_id, OLD.action,
                OLD.from_status, OLD.to_status, OLD.public)
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # the body has % placeholders of its own
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION grievance_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS grievance_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("grievance", "0005_personal_data_read"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
