"""Fixtures of the API tests."""

from __future__ import annotations

import pytest
import starlette.datastructures


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files Starlette parsed out of a multipart body."""
    seen: list[str] = []
    original = starlette.datastructures.UploadFile.__init__

    def spy(self, *args, **kwargs) -> None:
        seen.append(kwargs.get("filename") or "?")
        original(self, *args, **kwargs)

    monkeypatch.setattr(starlette.datastructures.UploadFile, "__init__", spy)
    return seen
