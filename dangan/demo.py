"""`dangan demo`: the whole pipeline on a bundled site, with no internet.

It serves `dangan/demo_site` (a small fictional city government portal in
UTF-8, GBK declared as gb2312, GBK with no declaration, GBK behind a lying
ISO-8859-1 header, and Big5) on 127.0.0.1, writes a sources file for it into
the demo folder, crawls it into a fresh SQLite store there, and prints the
summary and where everything went.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console

from dangan.crawl_display import crawl_with_progress
from dangan.static_site import StaticSite
from core.sources import load_sources
from core.settings import database_url
from core.errors import DemoFolderInUse

DEMO_SITE = Path(__file__).parent / "demo_site"
DEMO_MARKER = ".dangan-demo"

SOURCES_TEMPLATE = """\
# Written by `dangan demo`: the bundled demo site, served on {base_url} while the demo runs.
[[sources]]
name = "qingxi-demo"
start_urls = ["{base_url}/"]
allowed_domains = ["127.0.0.1"]
article_urls = ['/content/\\d+\\.html$']
max_pages = 200
schedule = "0 */6 * * *"
"""


def _fresh_folder(data_dir: Path) -> None:
    if data_dir.exists() and any(data_dir.iterdir()):
        if not (data_dir / DEMO_MARKER).exists():
            raise DemoFolderInUse(
                f"{data_dir} is not empty and was not made by `dangan demo`; "
                "pass --data-dir with a new folder name"
            )
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / DEMO_MARKER).write_text("made by dangan demo; `dangan demo` may replace this folder\n")


def run_demo(data_dir: Path, *, console: Console) -> None:
    """Serve the demo site, crawl it into `data_dir`, and report where the data went."""
    _fresh_folder(data_dir)
    with StaticSite(DEMO_SITE) as site:
        sources_file = data_dir / "sources.toml"
        sources_file.write_text(SOURCES_TEMPLATE.format(base_url=site.base_url), encoding="utf-8")
        sources = load_sources(sources_file)
        db_url = database_url(None, data_dir)
        console.print(f"Serving the demo site at {site.base_url}/ and crawling it…")
        # The demo site is ours and local: no need to be slow and polite with it.
        settings = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}
        crawl_with_progress(sources, db_url=db_url, data_dir=data_dir, console=console, settings=settings)
    warc_dir = data_dir / "warc"
    console.print()
    for line in (
        f"Store:        {db_url}",
        f"WARC files:   {warc_dir}/",
        f"Sources file: {sources_file}",
        "Try:",
        f"  dangan export --data-dir {data_dir} | head -c 600",
        f"  dangan history --data-dir {data_dir} {site.base_url}/zwgk/tzgg/content/1001.html",
    ):
        console.print(line, highlight=False, soft_wrap=True)
