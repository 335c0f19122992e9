"""The recognizers, one module per family; `default_recognizers()` lists them all."""

from __future__ import annotations

from jazari.privacy.recognizers.base import Doc, Pattern, Recognizer, Span


def default_recognizers() -> tuple[Recognizer, ...]:
    """Every built-in recognizer, in a stable order."""
    from jazari.privacy.recognizers import contact, dates, finance, ids, names, places, sensitive

    return (
        *finance.RECOGNIZERS,
        *ids.RECOGNIZERS,
        *contact.RECOGNIZERS,
        *places.RECOGNIZERS,
        *dates.RECOGNIZERS,
        *names.RECOGNIZERS,
        *sensitive.RECOGNIZERS,
    )


__all__ = ["Doc", "Pattern", "Recognizer", "Span", "default_recognizers"]
