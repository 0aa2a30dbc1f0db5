import pytest

from tests.servers import smtp  # noqa: F401  (a fixture)
from tests.unit.deadlines.laws import shipped_laws


@pytest.fixture
def laws(session):
    """The shipped laws by slug (the database's jurisdictions are synced from the same files)."""
    return shipped_laws()


@pytest.fixture
def smtp_runtime(runtime, smtp):
    """The runtime, delivering to the loopback server without TLS."""
    from foia.mail.transport import SmtpMailer

    runtime.mailer = SmtpMailer("127.0.0.1", smtp.port, tls="none", timeout=5)
    return runtime
