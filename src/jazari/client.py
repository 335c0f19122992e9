"""The Python client of a remote Jazari node: the reading surface of the local one over HTTP.

    import jazari
    jz = jazari.connect("https://data.example.ma", token="jz_...")
    table = jz.load("hcp/communes-2024")       # a pyarrow.Table, streamed as Arrow IPC
    table.to_pandas(); polars.from_arrow(table)

An error the node returns becomes the same JazariError subclass as a local call would raise
(matched by its `code`), with its message, hint and context."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any, BinaryIO
from urllib.parse import unquote

import httpx
import pyarrow as pa
import pyarrow.ipc as ipc

from jazari import errors
from jazari.datasets.names import SHA256, parse_ref
from jazari.errors import JazariError

DEFAULT_TIMEOUT = 60.0


def connect(url: str, token: str | None = None, *, timeout: float = DEFAULT_TIMEOUT,
            transport: httpx.BaseTransport | None = None) -> Client:
    """A client of the node at `url`, acting with an API token (else JAZARI_TOKEN, else anonymous)."""
    return Client(url, token if token is not None else os.environ.get("JAZARI_TOKEN"), timeout=timeout,
                  transport=transport)


class Client:
    """Read datasets of a remote node: `datasets`, `dataset`, `versions`, `version`, `load`, `rows`,
    `file`, `query`, `search`. Use it as a context manager, or call `close()`."""

    def __init__(self, url: str, token: str | None = None, *, timeout: float = DEFAULT_TIMEOUT,
                 transport: httpx.BaseTransport | None = None) -> None:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise errors.InputError(f"the node's URL must start with http:// or https://, not {str(url)[:80]!r}",
                                    field="url")
        self.url = url.rstrip("/")
        headers = {"authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=f"{self.url}/api/v1", headers=headers, timeout=timeout,
                                  transport=transport, follow_redirects=False)

    def close(self) -> None:
        """Close the connections to the node."""
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<jazari.Client {self.url}>"

    # reading ------------------------------------------------------------------------------
    def datasets(self) -> list[dict[str, Any]]:
        """The datasets you may see."""
        return self._get("/datasets")  # type: ignore[no-any-return]

    def dataset(self, dataset: str) -> dict[str, Any]:
        """One dataset's metadata."""
        return self._get(f"/datasets/{_path(dataset)}")  # type: ignore[no-any-return]

    def versions(self, dataset: str) -> list[dict[str, Any]]:
        """The versions of a dataset, newest first."""
        return self._get(f"/datasets/{_path(dataset)}/versions")  # type: ignore[no-any-return]

    def version(self, dataset: str, version: int | None = None) -> dict[str, Any]:
        """One version (default: the latest) with its schema, profile, reports and lineage."""
        number = version if version is not None else self.dataset(dataset)["latest_version"]
        if number is None:
            raise errors.NotFound(f"{dataset} has no version yet", field="dataset")
        return self._get(f"/datasets/{_path(dataset)}/versions/{int(number)}")  # type: ignore[no-any-return]

    def rows(self, dataset: str, version: int | None = None, *, offset: int = 0, limit: int = 100,
             sort: str | None = None, descending: bool = False,
             filters: dict[str, str] | None = None) -> dict[str, Any]:
        """A page of rows, in file order or sorted by the column `sort`, kept by `filters` (column: text
        it contains, any case)."""
        params = _params(version=version, offset=offset, limit=limit, sort=sort, descending=descending or None,
                         filter=[f"{column}:{text}" for column, text in (filters or {}).items()] or None)
        return self._get(f"/datasets/{_path(dataset)}/rows", params)  # type: ignore[no-any-return]

    def load(self, dataset: str, version: int | None = None) -> pa.Table:
        """A version's rows as a pyarrow.Table, streamed as Arrow IPC (`.to_pandas()`,
        `polars.from_arrow()`)."""
        params = _params(version=version, format="arrow")
        with self._call("GET", f"/datasets/{_path(dataset)}/export", params=params, stream=True) as response:
            reader = ipc.open_stream(pa.PythonFile(io.BufferedReader(_ResponseReader(response.iter_bytes()))))
            return reader.read_all()

    def file(self, dataset: str, sha256: str, version: int | None = None) -> tuple[dict[str, Any], BinaryIO]:
        """One image of a file dataset by its SHA-256 (the rows list them), as the local `file()`: what
        it is (`sha256`, `name`, `bytes`, `media_type`) and a stream of its bytes. Close the stream
        (or use it in a `with`): it holds the connection."""
        if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):  # `..` would be a path of the URL
            raise errors.NotFound(f"no file {str(sha256)[:80]!r} in {dataset}",
                                  hint="files are named by their SHA-256 (64 hex digits)", field="sha256")
        streamed = self._call("GET", f"/datasets/{_path(dataset)}/files/{sha256}",
                              params=_params(version=version), stream=True)
        response = streamed.__enter__()
        headers = response.headers
        info = {"dataset": dataset, "sha256": sha256, "name": _file_name(headers.get("content-disposition", "")),
                "bytes": _size(headers.get("content-length")), "media_type": headers.get("content-type")}
        return info, _Download(streamed, response)

    def query(self, sql: str, *, limit: int = 1000, offset: int = 0) -> dict[str, Any]:
        """Run one sandboxed SELECT over the datasets you may read, named in double quotes."""
        return self._call("POST", "/query", json={"sql": sql, "limit": limit, "offset": offset})  # type: ignore[no-any-return]

    def search(self, query: str = "", *, limit: int = 10, **filters: str | None) -> dict[str, Any]:
        """Datasets matching `query`, best first, with facets; filters: theme, region, institute,
        license, format, access."""
        return self._get("/search", _params(q=query, limit=limit, **filters))  # type: ignore[no-any-return]

    # HTTP -----------------------------------------------------------------------------------
    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._call("GET", path, params=params)

    def _call(self, method: str, path: str, *, stream: bool = False, **kwargs: Any) -> Any:
        """The JSON answer (or, with `stream`, the open response); a node's error as its JazariError."""
        try:
            if stream:
                return _Streamed(self._http, self._http.build_request(method, path, **kwargs))
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise _unreachable(self.url, exc) from None
        if response.status_code >= 400:
            raise error_from_response(response)
        return response.json()


class _Streamed:
    """An open streamed response, closed on leaving the `with`; an error status raises on entry."""

    def __init__(self, http: httpx.Client, request: httpx.Request) -> None:
        self.http = http
        self.request = request
        self.response: httpx.Response | None = None

    def __enter__(self) -> httpx.Response:
        url = str(self.request.url)
        try:
            self.response = self.http.send(self.request, stream=True)
        except httpx.HTTPError as exc:
            raise _unreachable(url, exc) from None
        if self.response.status_code >= 400:
            self.response.read()
            self.response.close()
            raise error_from_response(self.response)
        return self.response

    def __exit__(self, *exc: object) -> None:
        if self.response is not None:
            self.response.close()


class _Download(io.BufferedReader):
    """The bytes of a streamed response as a binary file; closing it closes the response."""

    def __init__(self, streamed: _Streamed, response: httpx.Response) -> None:
        super().__init__(_ResponseReader(response.iter_bytes()))
        self.streamed = streamed

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.streamed.__exit__()


def _size(length: str | None) -> int | None:
    """The size a response announces (None when it does not, or not as a number)."""
    return int(length) if length and length.isdigit() else None


def _file_name(disposition: str) -> str | None:
    """The file name of a Content-Disposition header: its UTF-8 `filename*` (RFC 6266), else `filename`."""
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename*" and value.lower().startswith("utf-8''"):
            return _base_name(unquote(value[7:]))
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename":
            return _base_name(value.strip('"'))
    return None


def _base_name(name: str) -> str | None:
    """The last part of a name a node sent (`../../.bashrc` is `.bashrc`): a file saved under it stays
    in the folder it is saved in."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base if base not in ("", ".", "..") else None


class _ResponseReader(io.RawIOBase):
    """A readable file over the chunks of a streamed response (what pyarrow's IPC reader needs)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            try:
                self.pending = next(self.chunks)
            except StopIteration:
                return 0
            except httpx.HTTPError as exc:
                raise OSError(f"the download was cut: {exc}") from exc
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def _path(dataset: str) -> str:
    institute, name = parse_ref(dataset)
    return f"{institute}/{name}"


def _params(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _codes() -> dict[str, type[JazariError]]:
    """Every JazariError subclass by its code (the most general class wins a shared code)."""
    found: dict[str, type[JazariError]] = {}
    pending: list[type[JazariError]] = [JazariError]
    while pending:
        cls = pending.pop(0)
        found.setdefault(cls.code, cls)
        pending.extend(cls.__subclasses__())
    return found


def error_from_response(response: httpx.Response) -> JazariError:
    """The JazariError a node's error answer stands for: same class (by `code`), message, hint,
    context; an answer not in the one error shape (a proxy's page) still becomes a JazariError."""
    try:
        body = response.json()["error"]
        code, message = str(body["code"]), str(body["message"])
        hint = body.get("hint")
        context = {str(k): v for k, v in dict(body.get("context") or {}).items() if k not in ("message", "hint")}
    except (ValueError, KeyError, TypeError):
        code, message, hint, context = "http_error", f"the node answered {response.status_code} {response.reason_phrase}", None, {}
    cls = _codes().get(code, JazariError)
    try:
        error = cls(message, hint=hint, **context)
    except TypeError:  # a subclass with its own signature
        error = JazariError(message, hint=hint, **context)
    if error.code != code or error.status != response.status_code:
        error.code, error.status = code, response.status_code
    return error


def _unreachable(url: str, exc: httpx.HTTPError) -> JazariError:
    error = JazariError(f"cannot reach the node at {url}: {exc or type(exc).__name__}",
                        hint="check the URL, the network, and that `jazari serve` runs there")
    error.code, error.status = "unreachable", 503
    return error
