"""foia: a self-hosted manager for public-records requests."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Flask and the config are imported by create_app: the reader child (foia.documents.formats) never needs them
    from flask import Flask


def create_app(config: dict | None = None, clock=None, *, create_instance: bool = True, pages: bool = True) -> Flask:
    """Build the web app: config, database, ports, blueprints.

    With `create_instance` false (the command line) nothing is written: the instance folder and its
    secret key are made by the commands that create state (`foia db upgrade`, `foia run`, `foia serve`).
    With `pages` false (the `foia` command) the app carries only the config and the runtime, which is
    all a command needs; `add_pages` adds the rest before `foia run` or `foia serve` serves it. The
    table classes are loaded by the first session (foia.db.new_session) or by `add_pages`.
    """
    from flask import Flask

    from foia import config as config_module
    from foia.deadlines import holiday_lists
    from foia.rendering import template_folder
    from foia.runtime import build_runtime, keep_private

    instance = Path((config or {}).get("INSTANCE_PATH") or config_module.instance_path())
    settings = config_module.load(instance, config)
    keep_private(instance, create=create_instance)
    holiday_lists.keep_in_instance(instance)
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True,
                template_folder=str(template_folder()), static_folder="static")
    app.config.update(settings)
    if create_instance:
        prepare_instance(app)
    else:
        app.config["SECRET_KEY"] = settings["SECRET_KEY"] or config_module.existing_secret_key(instance)
    app.config["MAX_CONTENT_LENGTH"] = settings["MAX_UPLOAD_MB"] * 1024 * 1024
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    https = settings["BASE_URL"].startswith("https://")
    for cookie in ("SESSION_COOKIE", "REMEMBER_COOKIE"):
        app.config[f"{cookie}_HTTPONLY"] = True
        app.config[f"{cookie}_SAMESITE"] = "Lax"
        app.config[f"{cookie}_SECURE"] = https
    if settings["TRUSTED_PROXIES"] > 0:
        # Behind N reverse proxies the client's address (for the login throttle) and scheme come from their
        # X-Forwarded-* headers; without this setting those headers are ignored, so no one can forge them.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.extensions["foia"] = build_runtime(settings, clock=clock)
    if pages:
        add_pages(app)
    return app


def add_pages(app: Flask) -> None:
    """Everything the app serves: models, login, CSRF, blueprints, the login throttle, `flask` commands.

    Safe to call again: an app that has its pages is left as it is.
    """
    if "foia.pages" in app.extensions:
        return
    from flask_login import LoginManager
    from flask_wtf.csrf import CSRFProtect

    from foia import models  # noqa: F401  (registers every table)
    from foia.accounts import throttle
    from foia.accounts.services import LOGIN_LIFETIME
    from foia.cli import register_commands
    from foia.web import register as register_web

    app.extensions["foia.pages"] = True
    app.config["REMEMBER_COOKIE_DURATION"] = LOGIN_LIFETIME
    app.jinja_env.add_extension("jinja2.ext.do")

    CSRFProtect(app)
    login_manager = LoginManager(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(identity: str):
        # Both cookies carry "user id:login token"; a login that was ended (logout, password change,
        # "log out everywhere") or has expired no longer logs anyone in.
        from foia.accounts.services import user_of_identity
        from foia.web.context import db_session, now

        return user_of_identity(db_session(), identity, now())

    register_web(app)
    throttle.install(app, app.config, app.extensions["foia"].engine)
    register_commands(app.cli)


def prepare_instance(app: Flask) -> None:
    """Create the instance folder and, unless configured, its secret key (mode 0600)."""
    from foia import config as config_module
    from foia.runtime import keep_private

    instance = Path(app.config["INSTANCE_PATH"])
    keep_private(instance)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.secret_key(instance)
