"""The documents fixtures (extract_all) shared with the document pages."""
from tests.unit.documents.conftest import extract_all  # noqa: F401
