"""The Document record every extractor returns and the rule engine reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

from ita_checker.text.thaitext import match_key


@dataclass(frozen=True)
class Link:
    href: str
    text: str


@dataclass(frozen=True)
class Image:
    src: str
    alt: str
    near: str


@dataclass
class Document:
    """Extracted content of one fetched URL.

    ``text`` is the normalized own content (navigation, header, footer and the texts of links to other
    pages removed for HTML); ``full_text`` keeps everything that is visible, link texts included.
    """

    kind: str  # html | pdf | docx | xlsx | odt | image | other
    title: str = ""
    headings: list[str] = field(default_factory=list)
    text: str = ""
    full_text: str = ""
    links: list[Link] = field(default_factory=list)
    content_links: list[Link] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    has_form: bool = False
    has_password_form: bool = False
    has_map: bool = False
    script_heavy: bool = False
    ocr_used: bool = False
    ocr_confidence: float | None = None
    pages: int = 0
    footer: str = ""  # text of the page footer (address, phone, e-mail), kept apart from ``text``
    footer_links: list[Link] = field(default_factory=list)  # links in the footer (Q&A board, LINE, Facebook)
    note: str = ""

    @cached_property
    def text_key(self) -> str:
        return match_key(self.text)

    @cached_property
    def head_key(self) -> str:
        """Title and headings as one match key."""
        return match_key(" ".join([self.title, *self.headings]))

    @cached_property
    def start_key(self) -> str:
        """The opening of a document (its title block), for documents without HTML headings."""
        return match_key(self.text[:400])

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: v for k, v in d.items() if not k.endswith("_key")}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Document:
        d = dict(d)
        d["links"] = [Link(**x) for x in d.get("links", [])]
        d["content_links"] = [Link(**x) for x in d.get("content_links", [])]
        d["footer_links"] = [Link(**x) for x in d.get("footer_links", [])]
        d["images"] = [Image(**x) for x in d.get("images", [])]
        return cls(**d)
