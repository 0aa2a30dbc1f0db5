"""foia_request.appeal_decided_on: the day an appeal was decided, where the time to go to court counts from it (PA)

Revision ID: 0009_appeal_decided
Revises: 0008_law_digest
Create Date: 2026-12-01 21:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_appeal_decided'
down_revision = '0008_law_digest'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('foia_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appeal_decided_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('foia_request', schema=None) as batch_op:
        batch_op.drop_column('appeal_decided_on')
