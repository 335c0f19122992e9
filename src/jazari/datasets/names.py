"""Dataset references `institute/name`: safe slugs only, so a name can never escape the lake."""

from __future__ import annotations

import re
import unicodedata

from jazari.errors import InvalidName

INSTITUTE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")  # fullmatch: `$` would let "x\n" through
NAME = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?")
SHA256 = re.compile(r"[0-9a-f]{64}")  # the name of a file of a file dataset (fullmatch)


def slugify(text: str) -> str:
    """A slug suggestion for a free name: `Communes RGPH 2024` -> `communes-rgph-2024`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "dataset"


def parse_ref(ref: str) -> tuple[str, str]:
    """Split and check `institute/name`; raise InvalidName with a suggestion otherwise."""
    parts = ref.split("/")
    if len(parts) != 2:
        raise InvalidName(
            f"{ref!r} is not of the form institute/name",
            hint="for example hcp/communes-2024",
            field="dataset",
        )
    institute, name = parts
    if not INSTITUTE.fullmatch(institute):
        raise InvalidName(
            f"institute {institute!r} must be lower-case letters, digits and dashes",
            hint=f"try {slugify(institute)!r}",
            field="dataset",
        )
    if not NAME.fullmatch(name) or ".." in name:
        raise InvalidName(
            f"dataset name {name!r} must be lower-case letters, digits, '.', '_' and '-', "
            "starting and ending with a letter or digit",
            hint=f"try {institute}/{slugify(name)}",
            field="dataset",
        )
    return institute, name
