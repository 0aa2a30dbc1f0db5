"""indexes for the pages under load (issue 12): unread messages of a kind, newest first

Revision ID: 0006_page_indexes
Revises: 0005_reading
Create Date: 2026-12-01 18:30:00
"""
from alembic import op


revision = '0006_page_indexes'
down_revision = '0005_reading'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index('ix_message_unread', ['kind', 'read_at', 'received_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index('ix_message_unread')
