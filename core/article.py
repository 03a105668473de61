"""An article as dangan keeps it: its metadata fields and its text, spelled out here once.

Extraction fills an `Article`, processing normalises it, the store keeps it
as columns of a version, and every reader (``dangan show``, ``dangan export``,
``dangan extract``) gets it back. All of them take the field list from
`ARTICLE_FIELDS`, so adding a field to the article means: the field here, a
column of that name in `storage.models.Version`, a migration, and the rule
that fills it. Nothing else names the fields one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, kw_only=True)
class ArticleFields:
    """What a page says about its article. Fields not found are None.

    `published` is an ISO date (``2022-03-25``) or date-time (``2022-03-25T09:12``).
    """

    title: str | None = None
    published: str | None = None
    origin: str | None = None  # 来源 / 信息来源 / 发布机构 / WeChat account
    author: str | None = None  # 作者
    editor: str | None = None  # 编辑 / 责任编辑
    doc_number: str | None = None  # 发文字号, e.g. 庆组明电〔2020〕2号


@dataclass(frozen=True, kw_only=True)
class Article(ArticleFields):
    """The metadata fields and the article's text: what `extract_article` finds on a page.

    `text` is the article alone, paragraphs separated by single newlines;
    ``""`` when the page holds no article text.
    """

    text: str

    def as_dict(self) -> dict[str, str | None]:
        """The fields in `ARTICLE_FIELDS` order (the order export rows and ``dangan extract`` use)."""
        return {name: getattr(self, name) for name in ARTICLE_FIELDS}

    @classmethod
    def from_attributes(cls, row: object) -> "Article":
        """The article held by any object with an attribute per field, e.g. a stored `Version` row."""
        return cls(**{name: getattr(row, name) for name in ARTICLE_FIELDS})


#: The metadata fields' names, in order.
METADATA_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(ArticleFields))
#: Every field of an `Article`: the metadata fields, then ``text``.
ARTICLE_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(Article))
