"""The loopback SMTP server and the runtime delivering to it (tests.servers), for the deadline pages."""
from tests.servers import smtp, smtp_runtime  # noqa: F401  (fixtures)
