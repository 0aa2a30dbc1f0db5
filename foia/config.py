"""Configuration: defaults, then instance/config.py, then FOIA_* environment, then the caller's mapping."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

#: The one default time zone: how times are shown, and the dates that belong to no jurisdiction (embargoes).
#: A law's own dates use its jurisdiction's zone (foia.deadlines.calendar.law_today).
DEFAULT_TIMEZONE = "America/New_York"

DEFAULTS = {
    "DATABASE_URL": None,  # None: SQLite in the instance folder
    "SECRET_KEY": None,  # None: generated into instance/secret_key on first start
    "PORT": 5000,
    "HOST": "127.0.0.1",
    "BASE_URL": None,  # used in emails and feeds; defaults to http://HOST:PORT
    "REGISTRATION_OPEN": True,
    "SMTP_HOST": None,
    "SMTP_PORT": 587,
    "SMTP_USER": None,
    "SMTP_PASSWORD": None,
    "SMTP_TLS": "starttls",  # starttls | ssl | none
    "MAIL_FROM": "foia@localhost",
    "IMAP_HOST": None,
    "IMAP_PORT": 993,
    "IMAP_USER": None,
    "IMAP_PASSWORD": None,
    "IMAP_FOLDER": "INBOX",
    "IMAP_TLS": "ssl",  # ssl | starttls | none
    "IMAP_MOVE_TO": None,  # folder to move processed mail into; None leaves it
    "SEARCH_BACKEND": "tantivy",  # tantivy | postgres
    "FOLLOW_UP_DAYS": 10,
    "SCHEDULER_ENABLED": True,
    "WORKER_ENABLED": True,
    "PAGE_SIZE": 25,
    "DISPLAY_TIMEZONE": DEFAULT_TIMEZONE,  # how times are shown; legal dates use each jurisdiction's zone
    "MAX_UPLOAD_MB": 200,
    "JOB_INTERVAL_SCALE": 1.0,  # multiplies every periodic job's interval (tests run the real jobs quickly)
    "OUTBOX_RETRY_SECONDS": 60,  # wait before the first retry of an email; each further one waits twice as long
    "REDIS_URL": None,  # redis://host:6379/0 keeps the login throttle there instead of the database
    "LOGIN_LIMIT": "5 per 15 minutes",  # failed logins per account
    "LOGIN_LIMIT_PER_ADDRESS": "20 per 15 minutes",  # failed logins per client address
    "DAILY_SEND_LIMIT": 20,  # letters a user may have emailed per day (admins: no limit)
    "TRUSTED_PROXIES": 0,  # reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host to believe
    # Text extraction and OCR (foia.documents); None: the built-in default the README names.
    "EXTRACT_LANES": None,  # files read at once by one worker; None: one per core
    "EXTRACT_TIME_LIMIT": None,  # seconds the child may spend on one file; None: 120
    "EXTRACT_MEMORY_MB": None,  # address space of the child that reads files; None: 1536
    "EXTRACT_CLAIM_TIMEOUT": None,  # seconds before a dead worker's claim returns to the queue; None: 900
    "OCR_LANGUAGES": "eng",  # Tesseract languages, e.g. eng+deu
    "TESSERACT_PATH": None,  # None: tesseract from PATH; "" turns OCR off
}

INT_KEYS = {"PORT", "SMTP_PORT", "IMAP_PORT", "FOLLOW_UP_DAYS", "PAGE_SIZE", "MAX_UPLOAD_MB", "DAILY_SEND_LIMIT",
            "TRUSTED_PROXIES"}
FLOAT_KEYS = {"JOB_INTERVAL_SCALE", "OUTBOX_RETRY_SECONDS"}
BOOL_KEYS = {"REGISTRATION_OPEN", "SCHEDULER_ENABLED", "WORKER_ENABLED"}
#: Whole numbers of at least 1, or None for the built-in default.
OPTIONAL_COUNT_KEYS = {"EXTRACT_LANES", "EXTRACT_MEMORY_MB", "EXTRACT_CLAIM_TIMEOUT"}
#: Numbers above 0, or None for the built-in default.
OPTIONAL_FLOAT_KEYS = {"EXTRACT_TIME_LIMIT"}
CHOICES = {
    "SMTP_TLS": {"starttls", "ssl", "none"},
    "IMAP_TLS": {"starttls", "ssl", "none"},
    "SEARCH_BACKEND": {"tantivy", "postgres"},
}


class ConfigError(ValueError):
    """A configuration value that cannot be used."""


def instance_path() -> Path:
    """The instance folder: FOIA_INSTANCE_PATH or ./instance."""
    return Path(os.environ.get("FOIA_INSTANCE_PATH") or Path.cwd() / "instance").resolve()


def _parse_bool(key: str, value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"FOIA_{key} must be true or false, not {value!r}")


def _parse_int(key: str, value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"FOIA_{key} must be a whole number, not {value!r}") from None


def _parse_positive_float(key: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"FOIA_{key} must be a number, not {value!r}") from None
    if not number > 0:
        raise ConfigError(f"FOIA_{key} must be more than 0, not {value!r}")
    return number


def _check_limit(key: str, value) -> None:
    from limits import parse_many

    try:
        parse_many(str(value))
    except ValueError:
        raise ConfigError(f"FOIA_{key} must read like '5 per 15 minutes', not {value!r}") from None


def load(instance: Path, overrides: dict | None = None) -> dict:
    """Merge defaults, instance/config.py, FOIA_* environment and overrides, then validate."""
    config = dict(DEFAULTS)
    config_file = instance / "config.py"
    if config_file.exists():
        namespace: dict = {}
        exec(compile(config_file.read_text(), str(config_file), "exec"), namespace)
        config.update({k: v for k, v in namespace.items() if k.isupper()})
    for key in DEFAULTS:
        env_value = os.environ.get(f"FOIA_{key}")
        if env_value is not None:
            config[key] = env_value
    config.update(overrides or {})

    for key in INT_KEYS:
        config[key] = _parse_int(key, config[key])
    for key in FLOAT_KEYS:
        config[key] = _parse_positive_float(key, config[key])
    for key in BOOL_KEYS:
        config[key] = _parse_bool(key, config[key])
    for key in OPTIONAL_COUNT_KEYS | OPTIONAL_FLOAT_KEYS:
        if config[key] is None or str(config[key]).strip() == "":
            config[key] = None
        elif key in OPTIONAL_FLOAT_KEYS:
            config[key] = _parse_positive_float(key, config[key])
        elif (number := _parse_int(key, config[key])) < 1:
            raise ConfigError(f"FOIA_{key} must be 1 or more, not {config[key]!r}")
        else:
            config[key] = number
    if not str(config["OCR_LANGUAGES"] or "").strip():
        config["OCR_LANGUAGES"] = DEFAULTS["OCR_LANGUAGES"]
    for key, allowed in CHOICES.items():
        if config[key] not in allowed:
            raise ConfigError(f"FOIA_{key} must be one of {', '.join(sorted(allowed))}, not {config[key]!r}")
    for key in ("LOGIN_LIMIT", "LOGIN_LIMIT_PER_ADDRESS"):
        if config[key] != DEFAULTS[key]:  # the defaults are known good: `limits` costs every command 0.02 s to import
            _check_limit(key, config[key])
    if config["REDIS_URL"] and not str(config["REDIS_URL"]).startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"FOIA_REDIS_URL must start with redis://, rediss:// or unix://, not {config['REDIS_URL']!r}")
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{instance / 'foia.sqlite3'}"
    #: Links in emails follow the address `foia run --port` serves unless FOIA_BASE_URL says otherwise.
    config["BASE_URL_DEFAULTED"] = not config["BASE_URL"]
    if not config["BASE_URL"]:
        config["BASE_URL"] = served_url(config["HOST"], config["PORT"])
    config["BASE_URL"] = config["BASE_URL"].rstrip("/")
    config["INSTANCE_PATH"] = str(instance)
    return config


def served_url(host: str, port: int) -> str:
    """The address a browser uses for a process listening on host:port (any-address becomes localhost)."""
    shown = "localhost" if host in ("0.0.0.0", "::", "") else host
    return f"http://{shown}:{port}"


def existing_secret_key(instance: Path) -> str | None:
    """The instance's secret key if it has one yet (reads only)."""
    path = instance / "secret_key"
    return path.read_text().strip() if path.exists() else None


def secret_key(instance: Path) -> str:
    """Read the instance's secret key, creating it (mode 0600) on first start."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
