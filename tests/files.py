"""Real files as institutions have them, written by the tests."""

from __future__ import annotations

from pathlib import Path

COMMUNES_HEADER = ["code", "nom_fr", "nom_ar", "population", "taux", "date_maj", "rural"]
COMMUNES = [
    ["01.511.01.0", "Tanger", "طنجة", "1 275 428", "34,55", "12/03/2024", "non"],
    ["01.511.03.1", "Gueznaia", "اكزناية", "141 853", "8,20", "12/03/2024", "non"],
    ["04.081.05.1", "Aïn Bni Mathar", "عين بني مطهر", "18 405", "-2,10", "13/03/2024", "oui"],
    ["07.161.01.3", "Tafraout", "تافراوت", "5 123", "0,75", "14/03/2024", "oui"],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, encoding: str = "utf-8",
              delimiter: str = ";") -> Path:
    """Write a delimited text file in an encoding, as Excel on Windows would."""
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def communes_csv(path: Path, *, encoding: str = "utf-8", rows: list[list[str]] | None = None) -> Path:
    """The communes sample as a `;` CSV with French numbers and dates."""
    return write_csv(path, COMMUNES_HEADER, rows if rows is not None else COMMUNES, encoding=encoding)


def big_csv(path: Path, n: int) -> Path:
    """n rows of mixed data: codes with leading zeros, French decimals, Arabic text."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("code;nom;valeur;date\n")
        for i in range(n):
            out.write(f"{i:07d};مدينة {i % 97};{i % 1000},{i % 100:02d};{1 + i % 28:02d}/0{1 + i % 9}/2024\n")
    return path
