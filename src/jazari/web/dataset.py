"""The dataset page, in tabs: `/datasets/{institute}/{name}` (overview) and `/datasets/{institute}/{name}/{tab}`.

Every tab is a real page that works without JavaScript; with htmx, a tab link asks for the tab's
panel alone (`HX-Target: tabpanel`) and swaps it in. Each tab calls the node's services with the
page's actor: they decide access (governance.access) and audit reads; a tab the actor may not read
says why instead. Each tab links its JSON twin in the API. The SQL console posts to
`/datasets/{institute}/{name}/query`, a web route over `Jazari.query` with the same actor and CSRF
check as every form. `/datasets/{institute}/{name}/edit` is the stewards' form over `Jazari.set_metadata`.
The overview tab ends with the dataset's discussion (`?comments=OFFSET` pages it); web/comments.py posts to it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt
from markupsafe import Markup

from jazari.api.deps import MAX_INT, ActorDep, NodeDep, QueryNumber
from jazari.app import Jazari
from jazari.catalog.themes import LANGUAGES, THEMES, region_labels
from jazari.datasets.names import parse_ref
from jazari.errors import Forbidden, InputError, JazariError, NotFound, Unauthenticated
from jazari.governance.access import can, require
from jazari.governance.actors import Actor
from jazari.web import i18n
from jazari.web.charts import profile_charts
from jazari.web.collective import REASONS
from jazari.web.governance import access_context, guarded
from jazari.web.i18n import N_
from jazari.web.render import PageRoute, page_language, redirect, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)

TABS = {
    "overview": N_("Overview"), "data": N_("Data"), "schema": N_("Schema"), "profile": N_("Data profile"),
    "versions": N_("Versions"), "quality": N_("Quality"), "privacy": N_("Privacy"), "access": N_("Access"),
    "use": N_("Use"),
}
PAGE_ROWS = 50
COMMENT_THREADS = 50  # threads of the discussion per page
SQL_ROWS = 100
PANEL, SQL_RESULT = "tabpanel", "sql-result"
VEGA = ("/static/vendor/vega.min.js", "/static/vendor/vega-lite.min.js", "/static/vendor/vega-embed.min.js")
REFUSED = (Forbidden, Unauthenticated)

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")  # HTML in the card stays escaped


def card_html(text: str) -> Markup:
    """The data card's Markdown as HTML under the page's own h1: without its title, no other h1."""
    tokens = _markdown.parse(text)
    if len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        tokens = tokens[3:]  # heading_open, inline, heading_close: the title the page shows already
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
    return Markup(_markdown.renderer.render(tokens, _markdown.options, {}))  # markdown-it escaped any HTML


def localized(info: dict[str, Any], key: str, lang: str) -> str | None:
    """A dataset's title or description in the page's language, else in another, else the plain one."""
    texts = (info.get("metadata") or {}).get(key) or {}
    for code in (lang, *i18n.LANGUAGES):
        if texts.get(code):
            return str(texts[code])
    return info.get(key)


def parse_filters(values: list[str], column: str = "", text: str = "") -> dict[str, str]:
    """`col:text` filters (the first `:` splits), and the one the add form gives; the last per column wins."""
    filters: dict[str, str] = {}
    for value in values:
        name, colon, wanted = value.partition(":")
        if not colon or not name:
            raise InputError(f"a filter is column:text, not {value!r}", field="filter", hint="e.g. filter=region:04")
        if wanted:
            filters[name] = wanted
    if column and text.strip():
        filters[column] = text.strip()
    return filters


@dataclass
class DatasetView:
    """One dataset page: who asks, about which dataset and version, and the links between its tabs."""

    request: Request
    jz: Jazari
    actor: Actor
    info: dict[str, Any]
    version: int | None
    lang: str

    @property
    def ref(self) -> str:
        return str(self.info["dataset"])

    def url(self, tab: str, **query: Any) -> str:
        """The page of a tab, keeping the version asked for; `query` adds parameters (lists repeat)."""
        path = f"/datasets/{self.ref}" + ("" if tab == "overview" else f"/{tab}")
        params: list[tuple[str, Any]] = [("version", self.version)] if self.version and tab != "access" else []
        for key, value in query.items():
            params += [(key, v) for v in value] if isinstance(value, (list, tuple)) else [(key, value)]
        kept = [(k, v) for k, v in params if v not in (None, "", False)]
        return path + (f"?{urlencode(kept)}" if kept else "")

    def api(self, path: str = "", **query: Any) -> str:
        """An API address about this dataset (its JSON twin)."""
        kept = [(k, v) for k, v in query.items() if v not in (None, "", False)]
        return f"/api/v1/datasets/{self.ref}{path}" + (f"?{urlencode(kept, doseq=True)}" if kept else "")

    @property
    def base_url(self) -> str:
        """This node's address as the browser reached it (for snippets and citations)."""
        return str(self.request.base_url).rstrip("/")

    def may(self, action: str) -> bool:
        """What governance.access says the actor may do on this dataset (to offer a link or a form)."""
        return can(self.actor, action, guarded(self.info))

    def detail(self) -> dict[str, Any]:
        """The version shown, with its reports (a read: audited, refused to who may not read)."""
        return self.jz.version(self.ref, self.version, self.actor)


def _fragment(request: Request, target: str) -> bool:
    """Whether htmx asks for one part of the page (not a history restore, which needs it whole)."""
    headers = request.headers
    return (headers.get("hx-request") == "true" and headers.get("hx-history-restore-request") != "true"
            and headers.get("hx-target") == target)


def _view(request: Request, jz: Jazari, actor: Actor, institute: str, name: str, version: int | None) -> DatasetView:
    ref = f"{institute}/{name}"
    parse_ref(ref)
    info = jz.dataset(ref, actor)  # one who may not see it gets "not found"
    return DatasetView(request, jz, actor, info, version, page_language(request, jz, actor))


def _private(view: DatasetView) -> bool:
    """Whether the page may hold data that is not public: kept out of htmx's history snapshots
    (sessionStorage) and of the browser's caches, so it does not outlive the visit."""
    return view.info["access_level"] != "public"


def _headers(view: DatasetView, private: bool = False) -> dict[str, str]:
    headers = {"vary": "HX-Request, HX-Target"}
    if private or _private(view):
        headers["cache-control"] = "no-store"
    return headers


def show(view: DatasetView, tab: str, build: Callable[[DatasetView], dict[str, Any]],
         extra: dict[str, Any] | None = None) -> HTMLResponse:
    """Render a tab: the panel alone for htmx, else the whole page. A refusal or a bad parameter is
    said in the panel, with its status."""
    status = 200
    try:
        context = build(view)
    except REFUSED as refused:
        context, status = {"refused": refused}, refused.status
    except (InputError, NotFound) as error:
        context, status = {"error": error}, error.status
    info, lang = view.info, view.lang
    page = {"info": info, "view": view, "tab": tab, "tabs": TABS, "version": view.version, "private": _private(view),
            "title": localized(info, "title", lang) or view.ref, "description": localized(info, "description", lang),
            "vega": " ".join(VEGA), **context, **(extra or {})}
    fragment = _fragment(view.request, PANEL)
    headers = _headers(view)
    if fragment:
        headers["x-jazari-fragment"] = "1"
    return render(view.request, "dataset/fragment.html" if fragment else "dataset.html", page, status=status,
                  headers=headers)


# the tabs ------------------------------------------------------------------------------------
def discussion(view: DatasetView, offset: int | None = None) -> dict[str, Any]:
    """A page of the discussion under the dataset (at `?comments=OFFSET` unless given)."""
    if offset is None:
        asked = view.request.query_params.get("comments", "")
        offset = int(asked) if asked.isascii() and asked.isdigit() and len(asked) <= 9 else 0
    return {"discussion": view.jz.comments(view.ref, offset=offset, limit=COMMENT_THREADS, actor=view.actor),
            "reasons": REASONS}


def overview(view: DatasetView) -> dict[str, Any]:
    """The dataset's data card (one who may see it but not read it gets its metadata part), then its
    discussion."""
    twins = [(N_("Dataset (JSON)"), view.api()), (N_("DCAT-AP (JSON-LD)"), view.api("/dcat.jsonld")),
             (N_("Comments (JSON)"), view.api("/comments"))]
    if view.info.get("latest_version") is None:
        return {"card": None, "reads": view.may("read"), "edits": view.may("manage"), "twins": twins,
                **discussion(view)}
    card = view.jz.data_card(view.ref, view.version, lang=view.lang, actor=view.actor, base_url=view.base_url)
    number = view.version or view.info["latest_version"]
    twins.append((N_("Data card (Markdown)"), view.api(f"/versions/{number}/card.md", lang=view.lang)))
    return {"card": card_html(card), "reads": view.may("read"), "edits": view.may("manage"), "twins": twins,
            **discussion(view)}


def data(view: DatasetView, offset: int, sort: str, descending: bool, filters: dict[str, str]) -> dict[str, Any]:
    """A page of rows, sorted by a column and filtered by text in columns, with the links that change them."""
    rows = view.jz.rows(view.ref, view.version, offset=offset, limit=PAGE_ROWS, sort=sort or None,
                        descending=descending, filters=filters or None, actor=view.actor)
    state = {"sort": sort or None, "descending": descending and bool(sort), "filter": [f"{k}:{v}" for k, v in filters.items()]}

    def link(**changes: Any) -> str:
        query = {**state, "offset": offset or None, **changes}
        query["descending"] = "true" if query["descending"] else None
        return view.url("data", **query)

    chips = [{"column": name, "text": text,
              "remove": link(filter=[f"{k}:{t}" for k, t in filters.items() if k != name], offset=None)}
             for name, text in filters.items()]
    api = view.api("/rows", version=rows["version"], offset=offset, limit=PAGE_ROWS, sort=sort or None,
                   descending="true" if state["descending"] else None, filter=state["filter"])
    images = [{"src": view.api(f"/files/{r['sha256']}", version=rows["version"]), "path": r.get("path") or "",
               "width": r.get("width"), "height": r.get("height")}
              for r in rows["rows"] if rows["kind"] == "files" and r.get("sha256")]  # a file dataset's thumbnails
    return {"rows": rows, "filters": filters, "chips": chips, "sort": sort, "descending": state["descending"],
            "link": link, "offset": offset, "page_rows": PAGE_ROWS, "twins": [(N_("Rows (JSON)"), api)],
            "images": images}


def schema(view: DatasetView) -> dict[str, Any]:
    """The columns: types, formats, constraints, descriptions."""
    v = view.detail()
    return {"v": v, "twins": [(N_("Schema (JSON)"), view.api(f"/versions/{v['version']}/schema"))]}


def profile(view: DatasetView) -> dict[str, Any]:
    """Per column charts (histograms, top values, empty values) and their numbers."""
    v = view.detail()
    charts = profile_charts(v.get("profile"), i18n.gettext_for(view.lang))
    return {"v": v, "charts": charts, "twins": [(N_("Profile (JSON)"), view.api(f"/versions/{v['version']}/profile"))]}


def versions(view: DatasetView, a: int | None, b: int | None) -> dict[str, Any]:
    """The history, and the diff of two versions chosen."""
    history = view.jz.versions(view.ref, view.actor)  # the history is metadata: who may see it has it
    twins = [(N_("Versions (JSON)"), view.api("/versions"))]
    context: dict[str, Any] = {"history": history, "a": a, "b": b, "twins": twins}
    if a is not None and b is not None:
        try:
            context["diff"] = view.jz.diff(view.ref, a, b, view.actor)
            twins.append((N_("Diff (JSON)"), view.api("/diff", a=a, b=b)))
        except REFUSED as refused:
            context["diff_refused"] = refused
    elif a is not None or b is not None:
        raise InputError("choose two versions to compare", field="a" if a is None else "b")
    return context


def quality(view: DatasetView, show_quarantine: bool) -> dict[str, Any]:
    """The validation report; the quarantined rows for the dataset's stewards, when they ask."""
    v = view.detail()
    reviews = view.may("review")
    twins = [(N_("Validation report (JSON)"), view.api(f"/versions/{v['version']}/validation"))]
    context: dict[str, Any] = {"v": v, "reviews": reviews, "twins": twins}
    if reviews:
        twins.append((N_("Quarantined rows (JSON)"), view.api("/quarantine", version=v["version"])))
    if show_quarantine:  # an audited read of rows close to raw data: only when asked
        context["quarantine"] = view.jz.quarantine(view.ref, v["version"], limit=PAGE_ROWS, actor=view.actor)
    return context


def privacy(view: DatasetView) -> dict[str, Any]:
    """The privacy report, and the processing register entry for those who may read it."""
    v = view.detail()
    twins = [(N_("Privacy report (JSON)"), view.api(f"/versions/{v['version']}/privacy"))]
    columns = ((v.get("privacy") or {}).get("columns") or {}).items()
    personal = [(n, c) for n, c in columns if c.get("kind") != "none" or c.get("operator") not in (None, "none")]
    context: dict[str, Any] = {"v": v, "personal": personal, "twins": twins}
    try:
        context["register"] = view.jz.register_show(view.ref, view.actor)
        twins.append((N_("Register entry (JSON)"), view.api("/register")))
    except NotFound:
        context["register"] = None
    except REFUSED:
        context["register_hidden"] = True
    return context


def access(view: DatasetView) -> dict[str, Any]:
    """The level and listing; stewards change them; members who cannot read ask."""
    return {**access_context(view.jz, view.actor, view.info), "twins": [(N_("Dataset (JSON)"), view.api())]}


def use(view: DatasetView) -> dict[str, Any]:
    """The SQL console, the downloads and the snippets to load it in Python or with curl."""
    v = view.detail()
    number = v["version"]
    base = view.base_url
    pinned = f"{view.ref}@{number}" if view.version else view.ref
    return {"v": v, "base": base, "sql": f'SELECT *\nFROM "{pinned}"\nLIMIT 10',
            "query_body": json.dumps({"sql": f'SELECT count(*) FROM "{view.ref}"'}, ensure_ascii=False),
            "downloads": [(fmt, view.api("/export", version=number, format=fmt)) for fmt in ("parquet", "csv", "jsonl")],
            "twins": [(N_("Version (JSON)"), view.api(f"/versions/{number}")), (N_("API (OpenAPI)"), "/openapi.json")]}


# routes --------------------------------------------------------------------------------------
def _tab_route(tab: str, build: Callable[[DatasetView], dict[str, Any]], *paths: str) -> None:
    """Serve a tab that takes no parameter but the version, at its address (or at `paths`)."""

    def page(request: Request, institute: str, name: str, jz: NodeDep, actor: ActorDep,
             version: QueryNumber = None) -> HTMLResponse:
        view = _view(request, jz, actor, institute, name, None if tab == "access" else version)
        return show(view, tab, build)

    page.__doc__ = build.__doc__
    for path in paths or (f"/datasets/{{institute}}/{{name}}/{tab}",):
        router.add_api_route(path, page, methods=["GET"], response_class=HTMLResponse, name=f"dataset_{tab}")


_tab_route("overview", overview, "/datasets/{institute}/{name}", "/datasets/{institute}/{name}/overview")
for _tab, _build in (("schema", schema), ("profile", profile), ("privacy", privacy), ("access", access), ("use", use)):
    _tab_route(_tab, _build)


@router.get("/datasets/{institute}/{name}/data", response_class=HTMLResponse)
def data_page(
    request: Request, institute: str, name: str, jz: NodeDep, actor: ActorDep, version: QueryNumber = None,
    offset: int = Query(0, ge=0, le=MAX_INT), sort: str = Query("", max_length=1000), descending: bool = False,
    filter: list[str] = Query([], max_length=50),  # noqa: A002 - the API's parameter name
    column: str = Query("", max_length=1000), text: str = Query("", max_length=1000),
) -> HTMLResponse:
    """A page of rows, sorted by a column and filtered by text in columns."""
    view = _view(request, jz, actor, institute, name, version)
    start = 0 if column else offset  # a filter added: from the first row
    return show(view, "data", lambda v: data(v, start, sort, descending, parse_filters(filter, column, text)))


@router.get("/datasets/{institute}/{name}/versions", response_class=HTMLResponse)
def versions_page(request: Request, institute: str, name: str, jz: NodeDep, actor: ActorDep,
                  version: QueryNumber = None, a: QueryNumber = None, b: QueryNumber = None) -> HTMLResponse:
    """The history, and the diff of two versions chosen."""
    return show(_view(request, jz, actor, institute, name, version), "versions", lambda v: versions(v, a, b))


@router.get("/datasets/{institute}/{name}/quality", response_class=HTMLResponse)
def quality_page(request: Request, institute: str, name: str, jz: NodeDep, actor: ActorDep,
                 version: QueryNumber = None, quarantine: bool = False) -> HTMLResponse:
    """The validation report; the quarantined rows for the dataset's stewards, when they ask."""
    return show(_view(request, jz, actor, institute, name, version), "quality", lambda v: quality(v, quarantine))


@router.post("/datasets/{institute}/{name}/query", response_class=HTMLResponse)
def query_page(
    request: Request, institute: str, name: str, jz: NodeDep, actor: ActorDep, version: QueryNumber = None,
    sql: str = Form("", max_length=100_000), offset: int = Form(0, ge=0, le=MAX_INT),
) -> HTMLResponse:
    """Run the console's SELECT as the page's actor: the result table, or the error and where it is."""
    view = _view(request, jz, actor, institute, name, version)
    outcome: dict[str, Any] = {"sql": sql, "sql_offset": offset}
    status = 200
    try:
        outcome["result"] = jz.query(sql, limit=SQL_ROWS, offset=offset, actor=actor)
    except JazariError as error:
        outcome["sql_error"], status = error, error.status
    if _fragment(request, SQL_RESULT):
        return render(request, "dataset/sql_result.html", {"view": view, **outcome}, status=status,
                      headers={"x-jazari-fragment": "1", **_headers(view, private=True)})  # any dataset
    response = show(view, "use", use, extra=outcome)
    response.headers["cache-control"] = "no-store"
    response.status_code = status if response.status_code == 200 else response.status_code
    return response


# the metadata form ---------------------------------------------------------------------------
def metadata_form(meta: dict[str, Any]) -> dict[str, str | list[str]]:
    """Stored metadata as the form's fields: `title_fr`, ..., keywords comma separated, codes as lists."""
    form: dict[str, str | list[str]] = {f"{key}_{lang}": (meta.get(key) or {}).get(lang, "")
                                        for key in ("title", "description") for lang in LANGUAGES}
    form["keywords"] = ", ".join(meta.get("keywords") or [])
    form.update({key: list(meta.get(key) or []) for key in ("themes", "regions")})
    form.update({key: str(meta.get(key) or "") for key in ("license", "source", "contact")})
    return form


def form_metadata(form: dict[str, str | list[str]]) -> dict[str, Any]:
    """The form's fields as the metadata `Jazari.set_metadata` takes (empty fields left out)."""
    meta: dict[str, Any] = {key: {lang: form[f"{key}_{lang}"] for lang in LANGUAGES if form[f"{key}_{lang}"]}
                            for key in ("title", "description")}
    words = str(form["keywords"]).replace("،", ",").split(",")  # the Arabic comma too
    meta["keywords"] = [w.strip() for w in words if w.strip()]
    meta.update({key: form[key] for key in ("themes", "regions", "license", "source", "contact")})
    return {key: value for key, value in meta.items() if value}


def form_field(error: InputError) -> str:
    """The form field an error of `validate_metadata` names: `title.ar` is `title_ar`, `themes[0]` is `themes`."""
    return str(error.context.get("field") or "").partition("[")[0].replace(".", "_")


def _edit_page(view: DatasetView, form: dict[str, str | list[str]], error: InputError | None = None) -> HTMLResponse:
    lang = view.lang
    context = {"info": view.info, "view": view, "form": form, "error": error,
               "error_field": form_field(error) if error else None, "languages_edit": LANGUAGES,
               "title": localized(view.info, "title", lang) or view.ref,
               "themes": [(code, labels[lang]) for code, labels in THEMES.items()],
               "regions": [(code, labels[lang]) for code, labels in region_labels().items()]}
    return render(view.request, "dataset_edit.html", context, status=error.status if error else 200,
                  headers={"cache-control": "no-store"})


@router.get("/datasets/{institute}/{name}/edit", response_class=HTMLResponse)
def edit_page(request: Request, institute: str, name: str, jz: NodeDep, actor: ActorDep) -> HTMLResponse:
    """The form that edits a dataset's metadata (its stewards)."""
    view = _view(request, jz, actor, institute, name, None)
    require(actor, "manage", guarded(view.info))  # the form only to who may save it; saving asks again
    return _edit_page(view, metadata_form(view.info.get("metadata") or {}))


@router.post("/datasets/{institute}/{name}/edit", response_model=None)
def save_metadata(
    request: Request, institute: str, name: str, jz: NodeDep, actor: ActorDep,
    title_fr: str = Form(""), title_ar: str = Form(""), title_en: str = Form(""),
    description_fr: str = Form(""), description_ar: str = Form(""), description_en: str = Form(""),
    keywords: str = Form(""), themes: list[str] = Form([]), regions: list[str] = Form([]),
    license: str = Form(""), source: str = Form(""), contact: str = Form(""),  # noqa: A002 - the metadata's name
) -> Response:
    """Save the metadata; a field that is wrong shows the form again with the message beside it."""
    view = _view(request, jz, actor, institute, name, None)
    form: dict[str, str | list[str]] = {
        "title_fr": title_fr, "title_ar": title_ar, "title_en": title_en, "description_fr": description_fr,
        "description_ar": description_ar, "description_en": description_en, "keywords": keywords,
        "themes": themes, "regions": regions, "license": license, "source": source, "contact": contact}
    try:
        jz.set_metadata(view.ref, form_metadata(form), actor=actor)
    except InputError as error:
        return _edit_page(view, form, error)
    return redirect(request, f"/datasets/{view.ref}", N_("Metadata saved."))
