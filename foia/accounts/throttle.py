"""Login throttling with Flask-Limiter: failed logins are counted per account and per client address,
in the database (every web host shares it) or in Redis when FOIA_REDIS_URL is set.

Only failed attempts count (a successful login redirects); once a limit is reached every attempt is
refused, the right password too, until the window ends, with the same words whether the account
exists or not.
"""
from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Flask, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from foia.accounts.models import ThrottleCounter

#: Flask-Limiter's storage scheme for the database.
DB_SCHEME = "foia-db"
#: Registrations (each sends a mail) per client address: the form is no way to flood someone's inbox.
REGISTRATION_LIMIT = "10 per hour"


def _now() -> datetime:
    return datetime.now(UTC)


class DatabaseStorage(Storage):
    """A `limits` storage (fixed windows) in the app's own database: one row per counter."""

    STORAGE_SCHEME = [DB_SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, engine=None, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.engine = engine

    @property
    def base_exceptions(self):
        return sa.exc.SQLAlchemyError

    @property
    def storage(self) -> str:
        """Where the counters live, as `foia limiter config` shows it (the URL without its password)."""
        return f"the throttle_counter table of {self.engine.url.render_as_string(hide_password=True)}"

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add to the counter, starting a new window when the last one ended (one atomic upsert)."""
        from foia.db import UTCDateTime, write_connection

        now = _now()
        table = ThrottleCounter.__table__
        insert = (postgresql_insert if self.engine.dialect.name == "postgresql" else sqlite_insert)(table)
        ended = table.c.expires_at <= sa.literal(now, UTCDateTime())
        new_end = sa.literal(now + timedelta(seconds=expiry), UTCDateTime())
        statement = insert.values(key=key, count=amount, expires_at=now + timedelta(seconds=expiry)).on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"count": sa.case((ended, amount), else_=table.c.count + amount),
                  "expires_at": sa.case((ended, new_end), else_=table.c.expires_at)},
        ).returning(table.c.count)
        with write_connection(self.engine) as connection, connection.begin():
            return connection.execute(statement).scalar_one()

    def _row(self, key: str):
        table = ThrottleCounter.__table__
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(table.c.count, table.c.expires_at).where(table.c.key == key)).first()
        if row is None or row.expires_at.replace(tzinfo=UTC) <= _now():
            return None
        return row

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.count if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at.replace(tzinfo=UTC).timestamp() if row else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
            return True
        except sa.exc.SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        from foia.db import write_connection

        with write_connection(self.engine) as connection, connection.begin():
            return connection.execute(sa.delete(ThrottleCounter.__table__)).rowcount

    def clear(self, key: str) -> None:
        from foia.db import write_connection

        with write_connection(self.engine) as connection, connection.begin():
            connection.execute(sa.delete(ThrottleCounter.__table__).where(ThrottleCounter.__table__.c.key == key))


#: Flask-Limiter's prefix of every counter's key, and the scopes of the login page's two limits.
KEY_PREFIX = "foia"
ACCOUNT_SCOPE, ADDRESS_SCOPE = "login-account", "login-address"


def account_key(email: str) -> str:
    return "login-account:" + email.strip().lower()[:254]


def _account_key() -> str:
    return account_key(request.form.get("email") or "")


def lift_lockout(settings: dict, engine, email: str, address: str | None = None) -> None:
    """Forget the failed logins counted against an account (and, if given, a client address), as if their
    windows had ended: `foia unlock-login`. The keys are the ones Flask-Limiter writes for POST /login."""
    from limits import parse_many
    from limits.storage import storage_from_string

    storage = (storage_from_string(settings["REDIS_URL"]) if settings.get("REDIS_URL")
               else DatabaseStorage(engine=engine))
    counted = [(settings["LOGIN_LIMIT"], account_key(email), ACCOUNT_SCOPE)]
    if address:
        counted.append((settings["LOGIN_LIMIT_PER_ADDRESS"], address, ADDRESS_SCOPE))
    for limits, key, scope in counted:
        for item in parse_many(limits):
            storage.clear(item.key_for(KEY_PREFIX, key, f"accounts.login:{scope}"))


def _failed(response) -> bool:
    """A login attempt that did not log anyone in (success redirects)."""
    return response.status_code != 302


def install(app: Flask, settings: dict, engine) -> Limiter:
    """Throttle POST /login: FOIA_LOGIN_LIMIT per account, FOIA_LOGIN_LIMIT_PER_ADDRESS per client address."""
    if settings.get("REDIS_URL"):
        storage_uri, options = settings["REDIS_URL"], {}
    else:
        storage_uri, options = f"{DB_SCHEME}://", {"engine": engine}
    limiter = Limiter(get_remote_address, app=app, storage_uri=storage_uri, storage_options=options,
                      strategy="fixed-window", key_prefix=KEY_PREFIX, headers_enabled=False)
    view = app.view_functions["accounts.login"]
    view = limiter.limit(settings["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed,
                         scope=ADDRESS_SCOPE)(view)
    view = limiter.limit(settings["LOGIN_LIMIT"], methods=["POST"], key_func=_account_key, deduct_when=_failed,
                         scope=ACCOUNT_SCOPE)(view)
    app.view_functions["accounts.login"] = view

    @app.after_request
    def end_the_login_transaction(response):
        """On SQLite a form's session holds the write lock until teardown; the failure is counted before that,
        in the throttle's own connection, by an after-request hook registered earlier (so run later): end the
        session first, or the count waits on its own request (a logged-in user failing a login)."""
        if request.endpoint == "accounts.login":
            from foia.web.context import close_session

            close_session()
        return response
    app.view_functions["accounts.register"] = limiter.limit(REGISTRATION_LIMIT, methods=["POST"],
                                                            scope="register-address")(app.view_functions["accounts.register"])

    @app.errorhandler(429)
    def too_many(error):
        from foia.accounts.forms import LoginForm, RegisterForm

        reset_at = limiter.current_limit.reset_at if limiter.current_limit else time.time() + 60
        minutes = max(1, math.ceil((reset_at - time.time() - 2) / 60))
        later = f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        if request.endpoint == "accounts.register":
            form = RegisterForm()
            form.email.errors = [f"Too many registrations from your address. {later}"]
            return render_template("accounts/register.html", form=form), 429
        form = LoginForm()
        form.password.errors = [f"Too many failed logins. {later}"]
        return render_template("accounts/login.html", form=form), 429

    return limiter
