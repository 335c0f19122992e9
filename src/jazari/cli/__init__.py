"""The `jazari` command line: parse, call one service, translate a JazariError (thin by design)."""

from jazari.cli import access, accounts, audit, datasets, demo, privacy, register, retention, schema, server  # noqa: E402,F401 - commands register on import
from jazari.cli.root import app, main

__all__ = ["app", "main"]
