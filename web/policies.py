"""The security headers every answer carries, and the stricter ones around archived pages.

Archived HTML is hostile: it was written by whoever controlled the site (or
broke into it), and may carry scripts, event handlers and tracking images.
The app itself runs no script at all, so its pages forbid every script and
every outside load (`APP_POLICY`): a stored string that slipped through
escaping still could not run. An archived page is only ever shown from its
own route, under `ARCHIVED_PAGE_POLICY`: CSP ``sandbox`` gives it an opaque
origin of its own (no cookies, no access to the app's pages, no scripts, no
forms, no popups) whether it is framed or opened directly, and
``default-src 'none'`` keeps it from fetching anything, so looking at a page
never calls its site.
"""

from __future__ import annotations

#: For the app's own pages and the API's answers.
APP_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

#: For an archived page: a sandbox with nothing allowed, only inline styles and
#: inline images, framed only by the app.
ARCHIVED_PAGE_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'self'"
)

#: The iframe attribute that matches it: the empty sandbox (nothing allowed).
IFRAME_SANDBOX = ""

#: Headers every answer carries unless its route set its own.
APP_HEADERS: dict[str, str] = {
    "Content-Security-Policy": APP_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}

#: Headers of an archived page's route.
ARCHIVED_PAGE_HEADERS: dict[str, str] = {
    "Content-Security-Policy": ARCHIVED_PAGE_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
