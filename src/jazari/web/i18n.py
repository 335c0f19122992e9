"""The languages of the pages: French (default), Arabic (right to left) and English.

Catalogs are the `.po` files under `translations/`, compiled in memory at start (no build step).
English is the msgid. A page's language comes from `?lang=`, else the `jazari_lang` cookie, else
the signed-in user's locale, else the browser's Accept-Language, else French.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("fr", "ar", "en")
DEFAULT = "fr"
RTL = frozenset({"ar"})
NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}
LANG_COOKIE = "jazari_lang"
TRANSLATIONS_DIR = Path(__file__).parent / "translations"


def po_path(lang: str) -> Path:
    """Where the catalog of a language is."""
    return TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"


@cache
def translations(lang: str) -> Translations:
    """The compiled catalog of a language (read once per process)."""
    with po_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Mark a message for extraction; it is translated where it is shown."""
    return message


# Words the services return as values, translated where they are shown.
LABELS = (
    N_("viewer"), N_("contributor"), N_("steward"), N_("admin"),
    N_("public"), N_("network"), N_("institute"), N_("restricted"),
    N_("pending"), N_("approved"), N_("refused"), N_("withdrawn"),
    N_("active"), N_("expired"), N_("revoked"), N_("read"), N_("write"),
    N_("clean"), N_("treated"), N_("needs_policy"),
)
LEVEL_HELP = {
    "public": N_("anyone, signed in or not, may read it."),
    "network": N_("any signed-in member of the network may read it."),
    "institute": N_("the institute's members and the holders of a grant may read it."),
    "restricted": N_("only the institute's stewards and the holders of a grant may read it."),
}


def gettext_for(lang: str) -> Callable[..., str]:
    """`_("Hello %(name)s", name=...)`: translate, then fill the named fields."""
    catalog = translations(lang if lang in LANGUAGES else DEFAULT)

    def _(message: str, **fields: Any) -> str:
        text = catalog.gettext(message)
        return text % fields if fields else text

    return _


def direction(lang: str) -> str:
    """`rtl` or `ltr`, for `<html dir>`."""
    return "rtl" if lang in RTL else "ltr"


def from_accept_language(header: str) -> str | None:
    """The first supported language of an Accept-Language header, by quality."""
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        base = tag.strip().lower().split("-")[0]
        if base in LANGUAGES and quality > 0:
            choices.append((-quality, index, base))
    return min(choices)[2] if choices else None


def negotiate(query: str | None, cookie: str | None, user_locale: Callable[[], str | None],
              accept: str | None) -> str:
    """The language of a page (see the module's docstring); `user_locale` is asked only if needed."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate  # type: ignore[return-value]
    locale = user_locale()
    if locale in LANGUAGES:
        return locale  # type: ignore[return-value]
    return from_accept_language(accept or "") or DEFAULT
