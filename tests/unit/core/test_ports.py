"""Every implementation offers everything its port promises, so the code may call any port method."""
from __future__ import annotations

import inspect

import pytest

from foia import ports
from foia.documents.blobstore import FileBlobStore
from foia.mail.transport import FolderMailer, SmtpMailer
from foia.search.postgres_backend import PostgresSearchIndex
from foia.search.tantivy_backend import TantivySearchIndex


def _promises(protocol) -> dict[str, list[str]]:
    return {name: list(inspect.signature(member).parameters)
            for name, member in vars(protocol).items() if callable(member) and not name.startswith("_")}


@pytest.mark.parametrize("protocol, implementation", [
    (ports.BlobStore, FileBlobStore),
    (ports.SearchIndex, TantivySearchIndex),
    (ports.SearchIndex, PostgresSearchIndex),
    (ports.Mailer, FolderMailer),
    (ports.Mailer, SmtpMailer),
    (ports.Clock, ports.SystemClock),
    (ports.Clock, ports.FixedClock),
])
def test_implementation_keeps_the_ports_promises(protocol, implementation):
    promises = _promises(protocol)
    assert promises, f"{protocol.__name__} promises nothing"
    for name, parameters in promises.items():
        method = getattr(implementation, name, None)
        assert callable(method), f"{implementation.__name__} lacks {name}()"
        assert list(inspect.signature(method).parameters)[:len(parameters)] == parameters, \
            f"{implementation.__name__}.{name} takes other arguments than {protocol.__name__}.{name}"
