"""Writers in several processes share one SQLite file without "database is locked" errors."""
import subprocess
import sys
import textwrap

import pytest

from foia import db
from tests.conftest import PG_URL

WRITER = textwrap.dedent("""
    import sys
    from sqlmodel import select
    from foia import db
    from foia.accounts.models import User
    engine = db.make_engine(sys.argv[1])
    for n in range(40):
        with db.new_session(engine, immediate=True) as session:
            # read, then write: the pattern SQLite refuses without waiting in deferred transactions
            count = len(session.exec(select(User)).all())
            session.add(User(email=f"{sys.argv[2]}-{n}-{count}@example.org", password_hash="x"))
            session.commit()
""")


@pytest.mark.skipif(bool(PG_URL), reason="SQLite locking only; PostgreSQL has row locks")
def test_read_then_write_sessions_in_three_processes_all_succeed(database_url):
    processes = [subprocess.Popen([sys.executable, "-c", WRITER, database_url, f"p{i}"], stderr=subprocess.PIPE)
                 for i in range(3)]
    errors = [p.communicate(timeout=120)[1].decode() for p in processes]
    assert all(p.returncode == 0 for p in processes), errors
    engine = db.make_engine(database_url)
    with db.new_session(engine) as session:
        from sqlmodel import select

        from foia.accounts.models import User
        assert len(session.exec(select(User)).all()) == 120
    engine.dispose()
