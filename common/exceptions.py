"""Errors that services raise; the API layer turns them into HTTP answers."""


class ApplicationError(Exception):
    """A business rule refused the request. ``status`` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, message: str, *, errors: dict | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        if status is not None:
            self.status = status


class ConflictError(ApplicationError):
    """The action is not allowed in the object's current state (409)."""

    status = 409


class PermissionDeniedError(ApplicationError):
    status = 403


class NotFoundError(ApplicationError):
    status = 404
