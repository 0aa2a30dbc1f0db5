import pytest

from tests.unit.deadlines.laws import shipped_laws


@pytest.fixture
def laws(session):
    """The shipped laws by slug (the database's jurisdictions are synced from the same files)."""
    return shipped_laws()
