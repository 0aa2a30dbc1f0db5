"""Security headers on every response: no external content, no framing, no sniffing."""
from flask import Flask

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; frame-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'")


#: Browsers keep to HTTPS for this long (two years) once they saw the site over HTTPS.
HSTS = "max-age=63072000"


def register(app: Flask) -> None:
    https = app.config["BASE_URL"].startswith("https://")

    @app.after_request
    def add_headers(response):
        if https:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
