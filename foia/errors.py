"""Domain errors raised by services; one web handler maps them to HTTP."""


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status_code = 400


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know it exists."""

    status_code = 404


class NotAllowed(DomainError):
    """The actor may see the thing but not do this to it."""

    status_code = 403


class InvalidTransition(DomainError):
    """A status change the request's lifecycle does not allow."""

    status_code = 409


class ValidationError(DomainError):
    """Input that cannot be accepted; `fields` maps field names to messages."""

    status_code = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.fields = fields or {}
