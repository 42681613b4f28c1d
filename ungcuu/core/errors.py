"""The one error type services raise for input a person can fix."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal with a Vietnamese message, optionally per field.

    ``status`` is the HTTP status the API answers with: 400 for bad input,
    403 for a forbidden action, 409 for a conflict with the current state.
    ``extra`` goes into the API's answer as it is (the ``id`` of the record a
    replayed ``client_uuid`` already names).
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        status: int = 400,
        fields: dict[str, str] | None = None,
        extra: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.fields: dict[str, str] = dict(fields or {})
        self.extra: dict = dict(extra or {})
        if field:
            self.fields[field] = message


def form_error(form, exc: ServiceError) -> None:
    """Put a service's refusal on a form: beside each field it names, else at the top."""
    placed = False
    for field, message in exc.fields.items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)
