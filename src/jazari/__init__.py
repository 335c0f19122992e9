"""Jazari: an on-premises Data Factory. `jz = jazari.open(); jz.load("hcp/communes-2024")`."""

from jazari.errors import JazariError
from jazari.version import __version__

__all__ = ["Jazari", "JazariError", "Settings", "__version__", "connect", "open"]


def __getattr__(name: str):  # lazy, so `import jazari` stays cheap for the CLI's --help
    if name in ("Jazari", "open"):
        from jazari import app

        return getattr(app, name)
    if name == "connect":
        from jazari.client import connect

        return connect
    if name == "Settings":
        from jazari.settings import Settings

        return Settings
    raise AttributeError(name)
