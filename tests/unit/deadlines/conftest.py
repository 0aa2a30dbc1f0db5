import pytest

from tests.unit.deadlines.laws import ensure_laws


@pytest.fixture
def laws(session):
    """The test laws, saved in the database."""
    return ensure_laws(session)
