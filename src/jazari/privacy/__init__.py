"""Find personal data (law 09-08) in text: Moroccan identifiers, names, addresses, sensitive data."""

from jazari.privacy.compiled import use_sources_when_stale

use_sources_when_stale()  # before the compiled modules are imported (see jazari.privacy.compiled)

from jazari.privacy.findings import SENSITIVE, Entity, Finding  # noqa: E402
from jazari.privacy.recognizers import Pattern, Recognizer, default_recognizers  # noqa: E402
from jazari.privacy.scanner import Scanner, default_scanner, scan_bytes, scan_many, scan_text  # noqa: E402

__all__ = [
    "SENSITIVE",
    "Entity",
    "Finding",
    "Pattern",
    "Recognizer",
    "Scanner",
    "default_recognizers",
    "default_scanner",
    "scan_bytes",
    "scan_many",
    "scan_text",
]
