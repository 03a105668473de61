"""Extraction: decoded HTML in, `Article` out, and nothing else.

`extract_article(html, url)` is the whole stage (`pipeline.extract.extractor`);
the modules beside it are its rules for Chinese pages: metadata
(`page_metadata`, `dates`, `bylines`, and `origin_slots` for pages that
name their origin without a label), chrome to prune (`page_chrome`,
`teaser_lists`, and `item_lists` for feeds, hot lists and comment runs), the
densest prose block (`main_block`, `line_merge`),
leftover boilerplate lines (`boilerplate_lines`) and the outlet's name left
standing as a line (`outlet_lines`). All are written in
simplified characters; `script_variants` lets them read traditional text.
Pure functions over strings and lxml trees: no Scrapy, no database.
"""

from pipeline.extract.extractor import EXTRACTOR_VERSION, extract_article

__all__ = ["EXTRACTOR_VERSION", "extract_article"]
