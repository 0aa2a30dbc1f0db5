"""foia_request.appeal_decided_on: the day an appeal was decided, where the time to go to court counts from it (PA)

Revision ID: 0010_appeal_decided
Revises: 0009_workload_indexes
Create Date: 2026-12-01 21:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_appeal_decided'
down_revision = '0009_workload_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('foia_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appeal_decided_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('foia_request', schema=None) as batch_op:
        batch_op.drop_column('appeal_decided_on')
