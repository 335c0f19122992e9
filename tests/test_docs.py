"""The README stays true: every setting and every command is documented there."""

from __future__ import annotations

from pathlib import Path

from typer.main import get_command

from jazari.cli import app
from jazari.settings import Settings

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme() -> None:
    for name in Settings.model_fields:
        assert f"JAZARI_{name.upper()}" in README, name


def test_every_command_is_in_the_readme() -> None:
    group = get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        if hasattr(command, "commands"):
            for sub in command.commands:
                assert f"jazari {name} {sub}" in README, f"{name} {sub}"
        else:
            assert f"jazari {name}" in README, name
