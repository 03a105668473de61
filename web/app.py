"""The one FastAPI application ``dangan serve`` runs: the read API, the web view, their headers and errors.

Example (served in-process here; ``dangan serve`` runs it on uvicorn):
    >>> from fastapi.testclient import TestClient
    >>> client = TestClient(create_app(store))
    >>> client.get("/api/documents").json()
    {'offset': 0, 'limit': 50, 'next_offset': None, 'items': []}
    >>> answer = client.get("/api/documents/7")
    >>> answer.status_code, answer.json()["detail"]
    (404, 'There is no document 7; the document list shows which exist.')
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.encoders import jsonable_encoder

from core.errors import CaptureNotFound, DanganError, DocumentNotFound, VersionNotFound, WarcIntegrityError
from storage.store import Store
from web import api, pages
from web.policies import APP_HEADERS

log = logging.getLogger(__name__)

STYLE_SHEET = Path(__file__).resolve().parent / "static" / "dangan.css"

# What each of our errors means to a client: a thing asked for that is not
# there, or stored bytes that cannot be read (the store's fault, not the request's).
_STATUS = {DocumentNotFound: 404, VersionNotFound: 404, CaptureNotFound: 404, WarcIntegrityError: 500}


def create_app(store: Store) -> FastAPI:
    """The app over `store`: JSON under ``/api``, the schema at ``/openapi.json``, HTML pages elsewhere.

    It only reads. FastAPI's own documentation pages are left out: they load
    their scripts from a CDN, which the app's policy forbids (and an archive's
    machine may not reach); the schema itself is what tools read.
    """
    app = FastAPI(
        title="dangan read API",
        summary="The archive's sources, documents, versions, their texts and diffs, read-only.",
        version="1",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/static/dangan.css", include_in_schema=False)
    def style_sheet() -> FileResponse:
        return FileResponse(STYLE_SHEET, media_type="text/css")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in APP_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(DanganError)
    async def dangan_error(request: Request, error: DanganError) -> Response:
        status = next((code for kind, code in _STATUS.items() if isinstance(error, kind)), 400)
        if status >= 500:
            log.error("%s %s: %s", request.method, request.url.path, error)
        return _problem(request, status, str(error))

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, error: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": jsonable_encoder(error.errors())}, status_code=422)
        wrong = "; ".join(f"{'.'.join(map(str, e['loc'][1:])) or e['loc'][0]}: {e['msg']}" for e in error.errors())
        return pages.render("problem.html", 422, title="Bad request", detail=wrong)

    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _problem(request: Request, status: int, detail: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": detail}, status_code=status)
    title = "Not found" if status == 404 else ("Cannot read the archive" if status >= 500 else "Bad request")
    return pages.render("problem.html", status, title=title, detail=detail)
