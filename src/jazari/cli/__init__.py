"""The `jazari` command line: parse, call one service, translate a JazariError (thin by design)."""

from jazari.cli import (  # noqa: E402,F401 - commands register on import
    access,
    accounts,
    audit,
    catalog,
    collective,
    comments,
    datasets,
    demo,
    privacy,
    query,
    register,
    retention,
    schema,
    server,
    validate,
)
from jazari.cli.root import app, main

__all__ = ["app", "main"]
