"""The web layer on top of the domains: blueprints, error handlers, filters, security headers, and the
view-models of the pages that gather several domains (request_page, dashboard).

Nothing below it imports it; importing this package does not import Flask.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """Attach everything web-facing to the app."""
    from foia.accounts.web import bp as accounts_bp
    from foia.agencies.web import bp as agencies_bp
    from foia.deadlines.web import bp as deadlines_bp
    from foia.documents.web import bp as documents_bp
    from foia.mail.outbound_web import bp as outbound_bp
    from foia.mail.web import bp as mail_bp
    from foia.requests.web import bp as requests_bp
    from foia.search.web import bp as search_bp
    from foia.system.web import bp as system_bp
    from foia.web import dashboard, errors, filters, input, security
    from foia.web.context import close_session
    from foia.web.views import bp as base_bp

    input.install_converters(app)  # before any route is added
    for blueprint in (base_bp, accounts_bp, agencies_bp, requests_bp, deadlines_bp, mail_bp, outbound_bp, documents_bp,
                      search_bp, system_bp):
        app.register_blueprint(blueprint)
    app.teardown_appcontext(close_session)
    app.extensions["foia.dashboards"] = dashboard.KeptWorkloads()  # per app: never shared with another database
    errors.register(app)
    input.register(app)
    filters.register(app)
    security.register(app)
