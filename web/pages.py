"""The web view for archivists: HTML pages rendered on the server, with no script in them.

- ``/``: the document list, with search and filters, a page at a time;
- ``/documents/{id}``: a document's timeline: each version, when it was
  first and last seen, why it was made, and the captures behind it;
- ``/documents/{id}/versions/{n}``: one version's text and metadata;
- ``/captures/{id}``: a capture: its headers and body as text, and the page
  itself in a sandboxed frame from ``/captures/{id}/archived``.

Every stored string reaches the page through Jinja2's autoescaping (never
``|safe``), and `web.policies.APP_POLICY` forbids scripts on these pages
besides.

- ``/documents/{id}/diff?from=&to=``: two versions side by side, changed
  characters marked inside lines (`core.text_diff`'s model, drawn as HTML).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from storage import catalog
from storage.times import as_utc
from web.api import MAX_ID, PRINTABLE, DocumentId, Limit, Offset, StoreDep, version_diff
from web.archived_pages import archived_page, capture_as_text
from web.policies import IFRAME_SANDBOX

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: Why a version was made, as the timeline says it.
REASONS = {
    "new": "first seen",
    "changed": "changed on the site",
    "reprocess": "reprocessed (our extraction rules changed, not the site)",
}

router = APIRouter(include_in_schema=False)


def _when(moment: datetime | None) -> str:
    """A stored time as the pages show it: UTC, to the second."""
    return as_utc(moment).strftime("%Y-%m-%d %H:%M:%S UTC") if moment is not None else ""


templates = Environment(
    loader=FileSystemLoader(TEMPLATES),
    # Every template is HTML: escape every value, whatever the file is called.
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["when"] = _when
templates.globals.update(reasons=REASONS, iframe_sandbox=IFRAME_SANDBOX)


def render(name: str, status_code: int = 200, **values: object) -> HTMLResponse:
    """The page `name` filled with `values`, every value escaped."""
    return HTMLResponse(templates.get_template(name).render(**values), status_code=status_code)


def form_filter(
    source: Annotated[str, Query(max_length=500, pattern=PRINTABLE)] = "",
    status: Literal["", "live", "gone"] = "",
    q: Annotated[str, Query(max_length=500, pattern=PRINTABLE)] = "",
) -> catalog.DocumentFilter:
    """The document list's filter as the search form sends it: a field left empty narrows nothing."""
    return catalog.DocumentFilter(source=source or None, status=status or None, text=q or None)


@router.get("/", response_class=HTMLResponse)
def document_list(
    request: Request,
    store: StoreDep,
    where: Annotated[catalog.DocumentFilter, Depends(form_filter)],
    offset: Offset = 0,
    limit: Limit = 50,
) -> HTMLResponse:
    page = catalog.list_documents(store.db, where, offset=offset, limit=limit)
    sources = catalog.list_sources(store.db, limit=500).items
    asked = {key: value for key, value in request.query_params.items() if key != "offset" and value}

    def link(to: int) -> str:
        return "/?" + urlencode({**asked, "offset": to})

    return render(
        "documents.html", page=page, where=where, sources=sources,
        previous=link(max(0, offset - limit)) if offset > 0 else None,
        next=link(page.next_offset) if page.next_offset is not None else None,
    )


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def timeline(store: StoreDep, document_id: DocumentId, offset: Offset = 0, limit: Limit = 100) -> HTMLResponse:
    document = catalog.get_document(store.db, document_id)
    versions = catalog.list_versions(store.db, document_id, offset=offset, limit=limit)
    return render("timeline.html", document=document, versions=versions)


@router.get("/documents/{document_id}/versions/{number}", response_class=HTMLResponse)
def version_text(store: StoreDep, document_id: DocumentId, number: DocumentId) -> HTMLResponse:
    found = catalog.get_version(store.db, document_id, number)
    return render("version.html", document_id=document_id, version=found)


@router.get("/captures/{capture_id}", response_class=HTMLResponse)
def capture(store: StoreDep, capture_id: DocumentId) -> HTMLResponse:
    found = catalog.get_capture(store.db, capture_id)
    return render("capture.html", capture=found, shown=capture_as_text(store, found))


@router.get("/captures/{capture_id}/archived")
def archived(store: StoreDep, capture_id: DocumentId) -> Response:
    """The captured page itself, under the sandbox policy (only ever framed by the capture page)."""
    return archived_page(store, catalog.get_capture(store.db, capture_id))


@router.get("/documents/{document_id}/diff", response_class=HTMLResponse)
def side_by_side(
    store: StoreDep,
    document_id: DocumentId,
    older: Annotated[int | None, Query(alias="from", ge=1, le=MAX_ID)] = None,
    newer: Annotated[int | None, Query(alias="to", ge=1, le=MAX_ID)] = None,
    context: Annotated[int, Query(ge=0, le=MAX_ID)] = 3,
) -> HTMLResponse:
    """The two versions side by side, changed lines paired, changed characters marked inside them."""
    found = version_diff(store, document_id, older, newer)
    document = catalog.get_document(store.db, document_id)
    return render("diff.html", document=document, diff=found, hunks=found.text.hunks(context=context),
                  context=context, numbers=range(1, document.versions + 1))
