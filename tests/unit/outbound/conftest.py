"""The loopback SMTP server and the runtime delivering to it (tests.servers)."""
from tests.servers import smtp, smtp_runtime  # noqa: F401  (fixtures)
