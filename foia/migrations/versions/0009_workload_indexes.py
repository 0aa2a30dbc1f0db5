"""indexes for the pages under load (issue 12): a request's owner and team with who else may see it, its
status, age and due dates

The dashboard counts and lists every request a person works on (thousands for a reporter in a busy team), and
each search works out every request the searcher may see. With owner_id and team_id alone indexed, each of those
requests was read from the table's wide rows; these two indexes carry the columns they read, and replace the
two narrow ones (their first column is the same).

Revision ID: 0009_workload_indexes
Revises: 0008_law_digest
Create Date: 2026-12-01 21:00:00
"""
from alembic import op


revision = '0009_workload_indexes'
down_revision = '0008_law_digest'
branch_labels = None
depends_on = None

#: foia.requests.models.WORKLOAD_COLUMNS as of this revision.
WORKLOAD_COLUMNS = ['visibility', 'embargo_until', 'status', 'created_at', 'ack_due', 'response_due', 'produce_due', 'estimated_completion',
                    'appeal_due', 'appeal_decision_due', 'sue_due', 'remind_on', 'appealed_on']


def upgrade() -> None:
    with op.batch_alter_table('foia_request', schema=None) as batch_op:
        batch_op.create_index('ix_foia_request_owner_work', ['owner_id', 'team_id', *WORKLOAD_COLUMNS], unique=False)
        batch_op.create_index('ix_foia_request_team_work', ['team_id', 'owner_id', *WORKLOAD_COLUMNS], unique=False)
        batch_op.drop_index('ix_foia_request_owner_id')
        batch_op.drop_index('ix_foia_request_team_id')


def downgrade() -> None:
    with op.batch_alter_table('foia_request', schema=None) as batch_op:
        batch_op.create_index('ix_foia_request_team_id', ['team_id'], unique=False)
        batch_op.create_index('ix_foia_request_owner_id', ['owner_id'], unique=False)
        batch_op.drop_index('ix_foia_request_team_work')
        batch_op.drop_index('ix_foia_request_owner_work')
