"""The outbound fixtures (test laws, a loopback SMTP server) shared with the deadline pages."""
from tests.unit.outbound.conftest import laws, smtp, smtp_runtime  # noqa: F401
