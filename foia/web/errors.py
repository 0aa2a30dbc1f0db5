"""One place that turns domain errors and HTTP errors into pages."""
from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from foia.errors import DomainError, NotFound

MESSAGES = {
    400: "The request could not be understood.",
    403: "You are not allowed to do that.",
    404: "There is nothing here. It may have been removed, or you may not have access to it.",
    405: "That action is not available here.",
    409: "That change is not possible in the current state.",
    413: "That upload is too large.",
    500: "Something went wrong on our side. Nothing you entered was lost.",
}


def render_error(code: int, message: str):
    """An error page (or JSON for API and JSON clients) with a message for people."""
    return _render(code, message)


def _render(code: int, message: str):
    if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
        return {"error": message}, code
    return render_template("web/error.html", code=code, message=message), code


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if isinstance(error, NotFound):
            return _render(404, MESSAGES[404])
        return _render(error.status_code, str(error) or MESSAGES.get(error.status_code, ""))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(400, "This form has expired or did not come from this site. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        return _render(code, MESSAGES.get(code, error.description or ""))
