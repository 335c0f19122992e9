"""Find personal data (law 09-08) in text: Moroccan identifiers, names, addresses, sensitive data."""

from jazari.privacy.findings import SENSITIVE, Entity, Finding
from jazari.privacy.recognizers import Pattern, Recognizer, default_recognizers
from jazari.privacy.scanner import Scanner, default_scanner, scan_bytes, scan_many, scan_text

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
