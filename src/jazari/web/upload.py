"""The upload wizard: choose a file and its dataset; check what the ingest will detect (format,
encoding, delimiter, header, skipped lines, sheet) and infer (column types), change it; upload it
with a progress bar and follow the ingest job; see the result and its reports.

The page is served here; the work is done by the API, called from `static/upload.js` with the
session's CSRF header: `POST /api/v1/sniff` (the file's first MiB, or a workbook whole),
`POST /api/v1/datasets/{institute}/{name}/versions` (the upload, a 202 and a job) and
`GET /api/v1/jobs/{id}` (its progress and result). Without JavaScript the page says so and points
to `jazari ingest`. Who may upload is asked of the node (`require_uploader`, `upload_targets`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from jazari.api.deps import ActorDep, NodeDep
from jazari.errors import Forbidden
from jazari.factory.readers.detect import SUFFIXES
from jazari.factory.readers.encoding import SUPPORTED
from jazari.factory.sniff import HEAD_BYTES, WHOLE_FORMATS, WHOLE_MAX_BYTES
from jazari.web.i18n import N_
from jazari.web.render import PageRoute, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)

# The column types a steward picks from (Table Schema types), labelled in the page's language.
TYPES = {
    "string": N_("Text"), "integer": N_("Whole number"), "number": N_("Decimal number"),
    "boolean": N_("Yes/no"), "date": N_("Date"), "datetime": N_("Date and time"), "time": N_("Time"),
    "year": N_("Year"),
}
# Extensions of the files looked at whole (a head of them cannot be read).
WHOLE_SUFFIXES = sorted(s for s, f in SUFFIXES.items() if f in WHOLE_FORMATS)
DELIMITERS = {",": N_("comma ,"), ";": N_("semicolon ;"), "\t": N_("tab"), "|": N_("vertical bar |")}
# What the script says, translated by the page (keys are the script's names).
MESSAGES = {
    "no_file": N_("Choose a file first."),
    "no_name": N_("Give the new dataset a name: lowercase letters, digits and dashes."),
    "no_dataset": N_("Choose the dataset."),
    "too_big_to_look": N_("This file is too large to be looked at before the upload (over %(size)s MiB): the ingest detects its format and types itself."),
    "looking": N_("Looking at the file…"),
    "looked_head": N_("Detected from the first %(size)s MiB of the file; the ingest reads all of it."),
    "looked_whole": N_("Detected from the whole file."),
    "misfits": N_("%(count)s of %(rows)s sample values do not fit"),
    "fits": N_("all sample values fit"),
    "sending": N_("Sending the file: %(percent)s %%"),
    "sent": N_("The file is sent; the ingest is waiting for its turn."),
    "processing": N_("Processing: %(percent)s %% (%(step)s)"),
    "done": N_("Done: version %(version)s of %(dataset)s is published."),
    "unchanged": N_("Nothing to do: this file is byte-identical to version %(version)s of %(dataset)s."),
    "failed": N_("The ingest failed."),
    "network": N_("The connection was lost; try again."),
    "see_version": N_("See version %(version)s of %(dataset)s"),
    "no_findings": N_("No finding: every row fits the schema."),
}


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, jz: NodeDep, actor: ActorDep) -> HTMLResponse:
    """The wizard, for those who may publish in an institute; the others are told who can."""
    try:
        jz.require_uploader(actor)  # the signed-out get the sign-in page's 401
    except Forbidden:
        return render(request, "upload.html", {"refused": True}, status=403)
    targets = jz.upload_targets(actor)
    context = {
        "refused": False, "institutes": targets["institutes"], "datasets": targets["datasets"],
        "types": TYPES, "delimiters": DELIMITERS, "encodings": SUPPORTED, "head_bytes": HEAD_BYTES,
        "whole_max_bytes": WHOLE_MAX_BYTES, "whole_suffixes": WHOLE_SUFFIXES, "messages": MESSAGES,
        "chosen": request.query_params.get("dataset", ""),
    }
    return render(request, "upload.html", context)
