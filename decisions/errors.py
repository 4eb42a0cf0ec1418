"""Refusals the domain raises, each with a stable code for the UI, the API and the audit trail."""

from django.core.exceptions import ValidationError


class StatutoryGateError(Exception):
    """A statutory gate refused the act (the request was well formed; the procedure forbids it)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = str(message)

    def __str__(self):
        return self.message


__all__ = ["StatutoryGateError", "ValidationError"]
