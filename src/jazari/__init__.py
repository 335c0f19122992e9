"""Jazari: an on-premises Data Factory. `jz = jazari.open(); jz.load("hcp/communes-2024")`."""

from jazari.errors import JazariError

__version__ = "0.1.0"

__all__ = ["JazariError", "__version__"]
