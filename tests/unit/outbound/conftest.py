"""A loopback SMTP server, and the runtime delivering to it."""
import pytest


@pytest.fixture
def smtp():
    """A running loopback SMTP server."""
    from tests.unit.outbound.smtp import LoopbackSmtp

    server = LoopbackSmtp()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_runtime(runtime, smtp):
    """The runtime, delivering to the loopback server without TLS."""
    from foia.mail.transport import SmtpMailer

    runtime.mailer = SmtpMailer("127.0.0.1", smtp.port, tls="none", timeout=5)
    return runtime
