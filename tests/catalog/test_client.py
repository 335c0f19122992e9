"""`jazari.connect(url, token)`: the reading surface of a local node over a real HTTP server on
loopback; a node's errors become the same JazariError subclasses locally."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

import jazari
from jazari.api.app import create_app
from jazari.errors import Forbidden, InputError, InvalidName, JazariError, NotFound, QueryTimeout
from jazari.governance.actors import Actor
from tests.datasets.test_file_datasets import image, make_zip
from tests.files import COMMUNES, communes_csv

OP = Actor.operator()


@pytest.fixture
def served(jz, tmp_path: Path) -> Iterator[tuple[object, str, str]]:
    """The node with hcp/c (two versions), dgsn/s, behind uvicorn on 127.0.0.1; (node, url, token)."""
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/c", title="Communes")
    jz.ingest(communes_csv(tmp_path / "d.csv", rows=COMMUNES[:2]), "hcp/c")
    jz.ingest(communes_csv(tmp_path / "s.csv"), "dgsn/s")
    jz.accounts.add_institute(OP, "hcp", names={"fr": "HCP"})
    jz.accounts.add_user(OP, "amina@hcp.ma", "Amina", password="correct horse battery")
    jz.accounts.add_member(OP, "hcp", "amina@hcp.ma", "viewer")
    _token, secret = jz.accounts.create_token(jz.accounts.actor("amina@hcp.ma"), "t", scopes=("read",))
    server = uvicorn.Server(uvicorn.Config(create_app(jz, workers=False), host="127.0.0.1", port=0,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield jz, f"http://127.0.0.1:{port}/", secret
    server.should_exit = True
    thread.join(20)


def test_load_is_the_local_load(served) -> None:
    jz, url, token = served
    amina = jz.accounts.actor("amina@hcp.ma")
    with jazari.connect(url, token) as remote:
        assert remote.load("hcp/c").equals(jz.load("hcp/c", actor=amina))
        old = remote.load("hcp/c", version=1)
        assert old.equals(jz.load("hcp/c", 1)) and old.num_rows == len(COMMUNES)
        assert old.column("nom_fr").to_pylist() == [r[1] for r in COMMUNES]


def test_the_reading_surface_matches_the_node(served) -> None:
    jz, url, token = served
    amina = jz.accounts.actor("amina@hcp.ma")
    with jazari.connect(url, token=token) as remote:
        assert remote.datasets() == jz.datasets(amina)
        assert remote.dataset("hcp/c") == jz.dataset("hcp/c", amina)
        assert remote.versions("hcp/c") == jz.versions("hcp/c", amina)
        assert remote.version("hcp/c")["version"] == 2 and remote.version("hcp/c", 1)["schema"] == jz.version(
            "hcp/c", 1)["schema"]
        assert remote.rows("hcp/c", 1, offset=1, limit=2)["rows"] == jz.rows("hcp/c", 1, offset=1, limit=2)["rows"]
        asked = {"sort": "population", "descending": True, "filters": {"nom_fr": "T", "date_maj": "2024-03-1"}}
        sorted_page = remote.rows("hcp/c", 1, limit=2, **asked)
        assert sorted_page == jz.rows("hcp/c", 1, limit=2, actor=amina, **asked) and sorted_page["matched"] == 3
        sql = 'SELECT nom_fr FROM "hcp/c@1" ORDER BY population'
        local = jz.query(sql, limit=2, actor=amina)
        answer = remote.query(sql, limit=2)
        assert answer["rows"] == local["rows"] and answer["has_more"] is True


def test_search_goes_through_the_search_route(served) -> None:
    jz, url, token = served
    with jazari.connect(url, token) as remote:
        found = remote.search("Communes")
    assert set(found) >= {"results", "total"}
    assert [r["dataset"] for r in found["results"]] == [
        r["dataset"] for r in jz.search("Communes", actor=jz.accounts.actor("amina@hcp.ma"))["results"]]


def test_errors_become_the_same_classes(served, monkeypatch: pytest.MonkeyPatch) -> None:
    _jz, url, token = served
    with jazari.connect(url, token) as remote:
        with pytest.raises(Forbidden) as refused:
            remote.load("dgsn/s")
        assert refused.value.status == 403 and "amina@hcp.ma" in refused.value.message
        with pytest.raises(NotFound):
            remote.rows("hcp/c", 9)
        with pytest.raises(InputError) as bad:
            remote.query("COPY \"hcp/c\" TO '/tmp/x'")
        assert bad.value.context == {"field": "sql", "statement": "COPY"} and bad.value.hint
        with pytest.raises(InvalidName):
            remote.dataset("not a ref")  # checked before any request
        from jazari.catalog import query

        real = query.run_query
        monkeypatch.setattr(query, "run_query", lambda *a, **k: real(*a, **{**k, "timeout_s": 0.3}))
        with pytest.raises(QueryTimeout):
            remote.query('SELECT sum(a.population * b.range) FROM "hcp/c" a, range(100000000000) b')
    with jazari.connect(url) as anonymous, pytest.raises(JazariError) as signed_out:
        anonymous.load("hcp/c")
    assert signed_out.value.status in (401, 404)
    with jazari.connect(url, "not-a-token") as forged, pytest.raises(JazariError) as rejected:
        forged.datasets()
    assert rejected.value.status == 401


def test_an_image_of_a_file_dataset_as_the_local_file(served, tmp_path: Path) -> None:
    jz, url, token = served
    jz.ingest(make_zip(tmp_path / "p.zip", {"douar/مدرسة.png": image("PNG", (5, 4))}), "hcp/photos")
    digest = jz.rows("hcp/photos")["rows"][0]["sha256"]
    local, stream = jz.file("hcp/photos", digest)
    with stream:
        expected = stream.read()
    with jazari.connect(url, token) as remote:
        info, body = remote.file("hcp/photos", digest)
        with body:
            assert body.read() == expected
        assert info["name"] == "مدرسة.png" and info["bytes"] == local["bytes"] == len(expected)
        assert info["media_type"] == "image/png"
        with pytest.raises(NotFound):
            remote.file("hcp/photos", "0" * 64)
        jz.ingest(make_zip(tmp_path / "q.zip", {"x.png": image("PNG", (2, 2))}), "dgsn/photos")
        other = jz.rows("dgsn/photos")["rows"][0]["sha256"]
        with pytest.raises(Forbidden):  # amina reads hcp's datasets, not dgsn's
            remote.file("dgsn/photos", other)


def test_a_file_is_named_by_its_sha256_only(served) -> None:
    """A `sha256` of dots would be a path of the URL (`files/..` is the dataset's own page): refused
    as the local file() refuses it, before anything is asked of the node."""
    jz, url, token = served
    with jazari.connect(url, token) as remote:
        for bad in ("..", ".", ""):
            with pytest.raises(NotFound):
                jz.file("hcp/c", bad)
            with pytest.raises(NotFound):
                remote.file("hcp/c", bad)


def test_a_node_cannot_name_a_file_outside_the_folder_it_is_saved_in() -> None:
    """The name comes from the node's Content-Disposition: only its last part is kept, so that
    `folder / info["name"]` stays in `folder` whatever a hostile node sends."""
    def node(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"\x89PNG", headers={
            "content-type": "image/png",
            "content-disposition": "inline; filename=\"x.png\"; filename*=UTF-8''..%2F..%2F.bashrc"})

    with jazari.connect("http://node", transport=httpx.MockTransport(node)) as remote:
        info, body = remote.file("hcp/photos", "a" * 64)
        body.close()
    assert info["name"] == ".bashrc"


def test_an_unreachable_node_or_a_bad_url_is_a_clear_error() -> None:
    with pytest.raises(InputError):
        jazari.connect("ftp://x")
    with jazari.connect("http://127.0.0.1:9", timeout=2) as nowhere, pytest.raises(JazariError) as down:
        nowhere.datasets()
    assert down.value.code == "unreachable" and "127.0.0.1:9" in down.value.message
