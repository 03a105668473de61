"""The read API and the archivist's web view, served together by ``dangan serve``.

`web.app.create_app` builds one FastAPI application over a store: JSON under
``/api`` (`web.api`, its schema at ``/openapi.json``) and HTML pages for
people (`web.pages`). It only reads, through `storage.catalog` and
`storage.store.Store`; it imports nothing above the store.
"""
