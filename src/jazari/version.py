"""The version of the Jazari software, recorded in every dataset version it writes."""

__version__ = "0.1.0"
