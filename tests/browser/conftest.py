"""Real-browser tests: a real Jazari server (uvicorn, on a free loopback port, with the demo data and
accounts loaded) and Debian's Chromium driven by Playwright. Every request the page makes outside
the node is refused and recorded: pages must work with no outbound network (DESIGN rule 6).

Chromium is `/usr/bin/chromium` (installed by `.ci/run`), or `JAZARI_CHROMIUM`. Screenshots of the
main pages go to `docs/screenshots/` when `JAZARI_SCREENSHOTS=1`."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("JAZARI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SECRETS = ("JAZARI_SECRET_KEY", "JAZARI_PRIVACY_KEY", "JAZARI_RAW_KEY")
SAVE_SCREENSHOTS = os.environ.get("JAZARI_SCREENSHOTS") == "1"  # read now: each test's environment has no JAZARI_*

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not Path(CHROMIUM).exists():
        reason = f"no Chromium at {CHROMIUM}: `.ci/run` installs Debian's `chromium`"
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))


@dataclass
class Server:
    """The live node: its address, the demo accounts' passwords, and the node itself."""

    url: str
    jz: Any
    passwords: dict[str, str] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo node (`jazari demo`'s data and accounts) served by uvicorn in a thread."""
    import uvicorn
    from argon2 import PasswordHasher

    import jazari
    from jazari.api.app import create_app
    from jazari.demo import demo_accounts, load_demo
    from jazari.governance import accounts

    saved = {key: os.environ.get(key) for key in SECRETS}
    for key in SECRETS:
        os.environ[key] = f"test-only-{key.lower()}-0123456789abcdef"
    hasher = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    home = tmp_path_factory.mktemp("browser-node")
    jz = jazari.open(home, env="test")
    made = demo_accounts(jz)
    load_demo(jz)
    port = _free_port()
    config = uvicorn.Config(create_app(jz), host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if uv.started:
            break
        time.sleep(0.05)
    else:
        raise RuntimeError("the test server did not start")
    yield Server(f"http://127.0.0.1:{port}", jz, {a["email"]: a["password"] for a in made})
    uv.should_exit = True
    thread.join(timeout=10)
    jz.close()
    accounts._hasher = hasher
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded one."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--no-sandbox"]}


@pytest.fixture
def outbound(context: Any, server: Server) -> Iterator[list[str]]:
    """Refuse (and list) every request that leaves the node; the test fails if there was one."""
    refused: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(server.url) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", guard)
    yield refused
    assert refused == [], f"the page asked for something outside the node: {refused}"


@pytest.fixture
def site(page: Any, server: Server, outbound: list[str]) -> Any:
    """A page on the live node, in English unless a test asks otherwise, outbound requests refused."""
    page.set_default_timeout(15_000)
    return page


def sign_in(page: Any, server: Server, email: str) -> None:
    """Sign in through the real form."""
    page.goto(f"{server.url}/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", server.passwords[email])
    page.click("form[action='/sign-in'] button[type=submit]")
    page.wait_for_load_state()


def shoot(page: Any, name: str) -> None:
    """Save a screenshot of the page in docs/screenshots/ when JAZARI_SCREENSHOTS=1."""
    if SAVE_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
