"""The real dovecot IMAP server the IMAP tests poll."""
from tests.servers import dovecot  # noqa: F401  (a fixture)
