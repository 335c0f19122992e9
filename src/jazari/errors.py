"""The JazariError tree: every failure a user can meet, with a stable code, an HTTP status,
the place it happened (file, line, column, field) and a hint of what to do next."""

from __future__ import annotations

from typing import Any


class JazariError(Exception):
    """Base of every error Jazari raises on purpose."""

    code = "jazari_error"
    status = 500

    def __init__(self, message: str, *, hint: str | None = None, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.context = {k: v for k, v in context.items() if v is not None}

    def where(self) -> str:
        """The place of the error, as `file, line 3, column "x"`, or ''."""
        parts = []
        if "file" in self.context:
            parts.append(str(self.context["file"]))
        if "sheet" in self.context:
            parts.append(f"sheet {self.context['sheet']!r}")
        if "line" in self.context:
            parts.append(f"line {self.context['line']}")
        if "row" in self.context:
            parts.append(f"row {self.context['row']}")
        if "column" in self.context:
            parts.append(f"column {self.context['column']!r}")
        if "field" in self.context:
            parts.append(f"field {self.context['field']!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The one JSON error shape every interface returns."""
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "hint": self.hint,
                "context": {k: _jsonable(v) for k, v in self.context.items()},
            }
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


class ConfigError(JazariError):
    """A setting is missing or wrong."""

    code = "config_error"
    status = 500


class InputError(JazariError):
    """The user gave something Jazari cannot use (a file, an option, a name)."""

    code = "invalid_input"
    status = 400


class FileFormatError(InputError):
    """A file cannot be read as the format it claims (binary, bad encoding, ragged rows...)."""

    code = "file_format"
    status = 422


class EncodingError(FileFormatError):
    """The bytes of a text file do not decode with the detected or forced encoding."""

    code = "encoding"


class FileTooLargeError(InputError):
    """A file, an upload or a cell is over a limit (also zip bombs)."""

    code = "too_large"
    status = 413


class SchemaError(InputError):
    """A Table Schema is invalid or does not match the data."""

    code = "schema"
    status = 422


class ValidationFailed(InputError):
    """`--strict` ingest refused because the data has findings."""

    code = "validation_failed"
    status = 422


class InvalidName(InputError):
    """A dataset or institute name is not a safe slug."""

    code = "invalid_name"
    status = 400


class NotFound(JazariError):
    """The dataset, version, job or row asked for does not exist (or is not visible)."""

    code = "not_found"
    status = 404


class Forbidden(JazariError):
    """The actor may not do this."""

    code = "forbidden"
    status = 403


class Unauthenticated(JazariError):
    """The actor must sign in first."""

    code = "unauthenticated"
    status = 401


class RateLimited(JazariError):
    """Too many attempts (failed sign-ins, reports) in a short time."""

    code = "rate_limited"
    status = 429


class Conflict(JazariError):
    """The request conflicts with the current state (e.g. an ingest already running)."""

    code = "conflict"
    status = 409


class QueryTimeout(JazariError):
    """A query ran past its time limit and was stopped."""

    code = "query_timeout"
    status = 408


class StorageError(JazariError):
    """The lake, raw zone or database refused a write (disk full, permission)."""

    code = "storage"
    status = 507
