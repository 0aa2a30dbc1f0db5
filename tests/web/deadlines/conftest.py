"""The outbound fixtures (a loopback SMTP server) shared with the deadline pages."""
from tests.unit.outbound.conftest import smtp, smtp_runtime  # noqa: F401
