"""The record an extraction produces: an article's text and its metadata."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Article:
    """What `extract_article` found on a page. Fields not found are None.

    `text` is the article alone, paragraphs separated by single newlines.
    `published` is an ISO date (``2022-03-25``) or date-time (``2022-03-25T09:12``).
    """

    title: str | None
    text: str
    published: str | None = None
    origin: str | None = None  # 来源 / 信息来源 / 发布机构 / WeChat account
    author: str | None = None  # 作者
    editor: str | None = None  # 编辑 / 责任编辑
    doc_number: str | None = None  # 发文字号, e.g. 庆组明电〔2020〕2号

    def as_dict(self) -> dict:
        return asdict(self)
