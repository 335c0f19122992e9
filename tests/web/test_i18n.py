"""The pages in French, Arabic and English: every message translated, placeholders kept, Arabic
right to left, the language chosen as users expect, and no asset from outside."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from jazari.web import i18n

WEB = Path(i18n.__file__).parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _msgids() -> set[str]:
    """Every message of the templates (`_("...")`) and of the web code (`_`, `N_`)."""
    found = extract_from_dir(
        str(WEB),
        method_map=[("**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")],
        options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords={"_": None, "gettext": None, "N_": None},
    )
    return {message for _file, _line, message, _comments, _context in found if isinstance(message, str) and message}


def test_the_extraction_finds_the_pages_messages() -> None:
    ids = _msgids()
    assert {"Sign in", "Your account", "Request access", "restricted", "Too many failed sign-ins. Wait 15 minutes "
            "and try again."} <= ids
    assert len(ids) > 150


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_message_has_a_translation_with_the_same_placeholders(lang: str) -> None:
    with i18n.po_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang)
    for msgid in sorted(_msgids()):
        message = catalog.get(msgid)
        assert message is not None and message.string, f"{lang}: no translation of {msgid!r}"
        assert not message.fuzzy, f"{lang}: fuzzy translation of {msgid!r}"
        assert set(PLACEHOLDER.findall(message.string)) == set(PLACEHOLDER.findall(msgid)), (lang, msgid)
        assert message.string % dict.fromkeys(PLACEHOLDER.findall(msgid), "x")  # formats without error


def test_translations_are_used() -> None:
    assert i18n.gettext_for("fr")("Sign in") == "Se connecter"
    assert i18n.gettext_for("ar")("Sign in") == "تسجيل الدخول"
    assert i18n.gettext_for("en")("Sign in") == "Sign in"
    assert i18n.gettext_for("en")("needs_policy") == "needs a privacy policy"
    assert i18n.gettext_for("ar")("Token %(name)s", name="laptop") == "الرمز laptop"
    assert i18n.gettext_for("xx")("Sign in") == "Se connecter"  # an unknown language falls back to French


@pytest.mark.parametrize(("header", "lang"), [
    ("ar-MA,ar;q=0.9,fr;q=0.8", "ar"), ("en-US,en;q=0.9", "en"), ("de-DE,en;q=0.5,fr;q=0.7", "fr"),
    ("de, es", None), ("", None), ("fr;q=abc, en", "en"), ("ar;q=0, en;q=0.1", "en"),
])
def test_accept_language(header: str, lang: str | None) -> None:
    assert i18n.from_accept_language(header) == lang


def test_an_arabic_page_is_right_to_left(browser) -> None:
    page = browser().get("/sign-in", params={"lang": "ar"})
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "تسجيل الدخول" in page.text and "Se connecter" not in page.text
    assert "jazari_lang=ar" in ";".join(page.headers.get_list("set-cookie"))


def test_the_language_comes_from_the_query_then_the_cookie_then_the_user_then_the_browser(browser) -> None:
    client = browser()
    assert '<html lang="fr" dir="ltr">' in client.get("/", headers={"accept-language": "de"}).text  # the default
    assert '<html lang="en" dir="ltr">' in client.get("/", headers={"accept-language": "en-GB,en"}).text
    client.get("/", params={"lang": "ar"})
    assert '<html lang="ar" dir="rtl">' in client.get("/", headers={"accept-language": "en"}).text  # the cookie
    assert '<html lang="en"' in client.get("/", params={"lang": "en"}).text
    assert '<html lang="fr"' in browser().get("/", params={"lang": "xx"}, headers={"accept-language": ""}).text
    nadia = browser("nadia@hcp.ma")  # her account says Arabic
    assert '<html lang="ar" dir="rtl">' in nadia.get("/account", headers={"accept-language": "en"}).text


def test_the_language_switcher_keeps_the_page(browser) -> None:
    page = browser().get("/sign-in", params={"next": "/account"})
    assert 'href="/sign-in?next=%2Faccount&amp;lang=ar"' in page.text
    assert 'lang="ar" hreflang="ar"' in page.text


def test_flash_messages_are_translated(browser) -> None:
    client = browser()
    client.get("/", params={"lang": "ar"})
    from tests.web.conftest import sign_in

    sign_in(client, "amina@hcp.ma")
    assert "تم تسجيل دخولك." in client.get("/").text


def test_the_layout_is_accessible_and_loads_nothing_from_outside(browser) -> None:
    page = browser("karim@hcp.ma").get("/account").text
    assert 'class="skip" href="#main"' in page and '<main id="main"' in page and "<nav" in page
    assert 'aria-current="page"' in page
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert url.startswith(("/", "#", "?")), url
    client = browser()
    assert client.get("/static/jazari.css").status_code == 200
    assert client.get("/static/vendor/htmx.min.js").status_code == 200


def test_the_stylesheet_mirrors_in_right_to_left() -> None:
    css = (WEB / "static" / "jazari.css").read_text(encoding="utf-8")
    physical = re.findall(r"(?:margin|padding|border)-(?:left|right)|text-align:\s*(?:left|right)|float:\s*(?:left|right)"
                          r"|(?<![-\w])(?:left|right):", css)
    assert physical == []  # logical properties only (inline-start/end), so dir="rtl" mirrors
    assert ":focus-visible" in css
