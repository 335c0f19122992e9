"""The CLI as a user runs it: `jazari ...` in a home made for the test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import jazari
from jazari.cli import app


def invoker() -> Callable[..., Any]:
    """`invoke(*args, code=0, stdin=None)`: run the CLI and check its exit code."""
    runner = CliRunner()

    def invoke(*args: str, code: int = 0, stdin: str | None = None) -> Any:
        result = runner.invoke(app, list(args), input=stdin)
        assert result.exit_code == code, (result.output, result.exception)
        return result

    return invoke


@pytest.fixture
def run(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """The CLI in a new, empty home (`invoker`); modules that need data first use `cli_home`."""
    monkeypatch.setenv("JAZARI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("JAZARI_DATABASE_URL", database_url)
    return invoker()


@pytest.fixture
def cli_home(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """`cli_home(prepare)`: a node home (JAZARI_HOME, JAZARI_DATABASE_URL set) that `prepare(jz)`
    fills, and `invoke(*args, code=0)` that runs the CLI there and checks its exit code;
    `invoke.node()` opens the same node."""

    def make(prepare: Callable[[Any], None]) -> Callable[..., Any]:
        monkeypatch.setenv("JAZARI_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("JAZARI_DATABASE_URL", database_url)
        with jazari.open(tmp_path / "home", database_url=database_url) as jz:
            prepare(jz)
        invoke = invoker()
        invoke.node = lambda: jazari.open(tmp_path / "home", database_url=database_url)  # type: ignore[attr-defined]
        return invoke

    return make
