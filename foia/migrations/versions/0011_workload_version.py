"""workload_version: a number the database raises on every write to the requests, team membership, agencies and
jurisdictions (triggers), so pages may keep what they worked out from them under it (the dashboard)

SQLite: a trigger per table and event, raising it on each row written. PostgreSQL: one deferred constraint
trigger per table, raising it once per transaction as it commits (a transaction-local setting remembers that it
did), so the row is locked only while the writer commits: writers neither queue behind each other for the whole
of their transactions nor deadlock on it. A sequence would not do: `nextval` is seen before the writer commits,
and a page could keep what it read before the commit under the new number.

The row is written by an upsert, so a table emptied by TRUNCATE (the tests on PostgreSQL) gets it back.

Revision ID: 0011_workload_version
Revises: 0010_appeal_decided
Create Date: 2026-12-01 23:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_workload_version'
down_revision = '0010_appeal_decided'
branch_labels = None
depends_on = None

#: Every table whose rows the kept pages read (foia.requests.models.WORKLOAD_TABLES when this was written).
TABLES = ("foia_request", "team_membership", "agency", "jurisdiction")
EVENTS = ("INSERT", "UPDATE", "DELETE")
RAISE = ("INSERT INTO workload_version (id, version) VALUES (1, 1) "
         "ON CONFLICT (id) DO UPDATE SET version = workload_version.version + 1")

POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION raise_workload_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('foia.workload_version_raised', true) IS DISTINCT FROM 'yes' THEN
        {RAISE};
        PERFORM set_config('foia.workload_version_raised', 'yes', true);
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table('workload_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workload_version'))
    )
    op.execute("INSERT INTO workload_version (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        for table in TABLES:
            op.execute(f"CREATE CONSTRAINT TRIGGER raise_workload_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
                       "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_workload_version()")
    else:
        for table in TABLES:
            for event in EVENTS:
                op.execute(f"CREATE TRIGGER raise_workload_version_{table}_{event.lower()} AFTER {event} ON {table} "
                           f"BEGIN {RAISE}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER raise_workload_version ON {table}")
        op.execute("DROP FUNCTION raise_workload_version()")
    else:
        for table in TABLES:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER raise_workload_version_{table}_{event.lower()}")
    op.drop_table('workload_version')
