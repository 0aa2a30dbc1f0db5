"""jurisdiction.law_digest: the law file a row was copied from, so an upgrade reads only changed files

Revision ID: 0008_law_digest
Revises: 0007_search_folding
Create Date: 2026-12-01 19:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_law_digest'
down_revision = '0007_search_folding'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('jurisdiction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('law_digest', sa.String(length=64), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('jurisdiction', schema=None) as batch_op:
        batch_op.drop_column('law_digest')
