"""`make test`: the whole suite on SQLite, then the same suite on PostgreSQL.

PostgreSQL is FOIA_TEST_DATABASE_URL, or the local server at 127.0.0.1:5432 (database `test`).
On a user's machine without PostgreSQL the second run is skipped with a reason; with CI=true it fails.
"""
import os
import subprocess
import sys

import sqlalchemy as sa

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_answers(url: str) -> str | None:
    from foia.db import make_engine, ping

    try:
        ping(make_engine(url))
    except sa.exc.OperationalError as error:
        return str(error).splitlines()[0]
    return None


def main() -> int:
    pytest = [sys.executable, "-m", "pytest", *sys.argv[1:]]
    env = {k: v for k, v in os.environ.items() if k != "FOIA_TEST_DATABASE_URL"}
    print("== foia test suite on SQLite ==", flush=True)
    sqlite_code = subprocess.call(pytest, env=env)
    url = os.environ.get("FOIA_TEST_DATABASE_URL", DEFAULT_PG)
    problem = postgres_answers(url)
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            print(f"PostgreSQL at {url} does not answer: {problem}", flush=True)
            return 1
        print(f"== skipping the PostgreSQL run: {url} does not answer ({problem}) ==", flush=True)
        return sqlite_code
    print(f"== foia test suite on PostgreSQL ({url}) ==", flush=True)
    pg_code = subprocess.call(pytest, env={**env, "FOIA_TEST_DATABASE_URL": url})
    return sqlite_code or pg_code


if __name__ == "__main__":
    sys.exit(main())
