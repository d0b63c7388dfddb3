"""Errors the workflow raises. Each carries a stable ``code`` and the HTTP status the API
answers with, so that the admin, the API and forms report the same refusal the same way."""

from collections.abc import Mapping, Sequence


class WorkflowError(Exception):
    code = "workflow_error"
    http_status = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MoveNotAllowed(WorkflowError):
    """The record's current state does not allow the move (or it changed under us)."""

    code = "move_not_allowed"
    http_status = 409


class MoveForbidden(WorkflowError):
    """The acting user may not make this move."""

    code = "forbidden"
    http_status = 403


class MoveInvalid(WorkflowError):
    """The move is allowed but its input is missing or wrong."""

    code = "invalid"
    http_status = 400

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors = {field: list(messages) for field, messages in errors.items()}
        super().__init__(
            "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in self.errors.items())
        )
