"""An allow-list HTML sanitiser for article bodies, and the text and highlights built on it.

Pure of Django. Article bodies are HTML typed or pasted by the team; they are stored as entered
and cleaned every time they are shown: only the tags and attributes below survive, every text is
escaped again, links must be http(s) and images must come from our own media. The same pass
records which character of the source each character of the shown text came from, so a passage a
reviewer selects on the page (the browser's ``textContent``) can be found in the stored HTML,
and compliance findings (offsets into the stored HTML) can be marked in place.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "u", "h2", "h3", "ul", "ol", "li", "blockquote"}
    | {"a", "img"}
)
VOID_TAGS = frozenset({"br", "img"})
# Dropped with everything inside: what they contain is code or chrome, never article text.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "template",
        "iframe",
        "object",
        "embed",
        "noscript",
        "textarea",
        "title",
        "svg",
        "math",
        "select",
        "head",
    }
)
# Where a line ends in the text of an article (for diffs, which compare line by line).
BLOCK_TAGS = frozenset({"p", "h2", "h3", "li", "blockquote", "ul", "ol", "div", "br"})
LINK_SCHEMES = ("http://", "https://")

_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_ENTITY = re.compile(r"&(?:#[xX]?[0-9a-fA-F]+|[a-zA-Z][-.a-zA-Z0-9]*);?")


@dataclass(frozen=True)
class Mark:
    """A passage to highlight: source offsets ``[start, end)`` and the explanation on hover."""

    start: int
    end: int
    title: str


@dataclass
class Rendered:
    """Clean HTML, its text as a browser reads it, and each text character's source offset."""

    html: str
    text: str
    offsets: list[int] = field(default_factory=list)


def _merge(marks: Iterable[Mark]) -> list[Mark]:
    """Overlapping marks become one (titles joined), so ``<mark>`` elements never nest."""
    merged: list[Mark] = []
    for mark in sorted((m for m in marks if m.end > m.start), key=lambda m: (m.start, m.end)):
        if merged and mark.start < merged[-1].end:
            last = merged[-1]
            titles = (
                last.title
                if mark.title in last.title.split("\n")
                else (f"{last.title}\n{mark.title}")
            )
            merged[-1] = Mark(last.start, max(last.end, mark.end), titles)
        else:
            merged.append(mark)
    return merged


class _TextOut:
    """Collects escaped output and the shown text, wrapping marked source ranges in ``<mark>``.

    Text is given in atoms (a character, or a whole character reference) with the source offset
    of each, so a mark never splits an entity and the offsets stay exact.
    """

    def __init__(self, marks: Sequence[Mark]) -> None:
        self.marks = _merge(marks)
        self.out: list[str] = []
        self.text: list[str] = []
        self.offsets: list[int] = []
        self._open: Mark | None = None

    def _mark_at(self, offset: int) -> Mark | None:
        for mark in self.marks:
            if mark.start <= offset < mark.end:
                return mark
            if mark.start > offset:
                break
        return None

    def close_mark(self) -> None:
        if self._open is not None:
            self.out.append("</mark>")
            self._open = None

    def atom(self, shown: str, offset: int) -> None:
        mark = self._mark_at(offset) if self.marks else None
        if mark is not self._open:
            self.close_mark()
            if mark is not None:
                self.out.append(f'<mark title="{html.escape(mark.title, quote=True)}">')
                self._open = mark
        self.out.append(html.escape(shown, quote=False))
        for char in shown:
            self.text.append(char)
            self.offsets.append(offset)

    def chars(self, data: str, offset: int) -> None:
        """Source text starting at ``offset``; line ends are read as a browser reads them."""
        index = 0
        while index < len(data):
            char = data[index]
            if char == "\r":
                # CR LF and a lone CR are one line feed in the DOM (HTML input preprocessing).
                self.atom("\n", offset + index)
                index += 2 if data[index + 1 : index + 2] == "\n" else 1
                continue
            self.atom(char, offset + index)
            index += 1

    def markup(self, tag: str) -> None:
        self.close_mark()
        self.out.append(tag)


class _Cleaner(HTMLParser):
    def __init__(self, source: str, image_prefixes: Sequence[str], marks: Sequence[Mark]) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.image_prefixes = tuple(p for p in image_prefixes if p)
        self.sink = _TextOut(marks)
        self.stack: list[str] = []
        self.skipping: str | None = None
        self.skip_depth = 0
        self.breaks: list[int] = []  # text lengths at which a block ended
        self._line_starts = [0]
        self._line_starts.extend(i + 1 for i, c in enumerate(source) if c == "\n")

    def _pos(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    # --- tags --------------------------------------------------------------------------------

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> str | None:
        """The attributes kept for ``tag`` as markup; None drops the element (an image from
        elsewhere)."""
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "a":
            href = _CONTROL.sub("", values.get("href", ""))
            if href.lower().startswith(LINK_SCHEMES):
                return f' href="{html.escape(href, quote=True)}" rel="nofollow noopener noreferrer"'
            return ""
        if tag == "img":
            src = values.get("src", "").strip()
            if (
                not src
                or _CONTROL.search(src)
                or "\\" in src
                or ".." in src
                or not src.startswith(self.image_prefixes or ("\0",))
            ):
                return None
            alt = values.get("alt", "")
            return f' src="{html.escape(src, quote=True)}" alt="{html.escape(alt, quote=True)}"'
        return ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping is not None:
            if tag == self.skipping:
                self.skip_depth += 1
            return
        if tag in DROPPED_WITH_CONTENT:
            self.skipping, self.skip_depth = tag, 1
            return
        if tag in BLOCK_TAGS:
            self._block_end()
        if tag not in ALLOWED_TAGS:
            return
        kept = self._attrs(tag, attrs)
        if kept is None:
            return
        self.sink.markup(f"<{tag}{kept}>")
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping is not None or tag in DROPPED_WITH_CONTENT:
            return
        if tag in VOID_TAGS:
            self.handle_starttag(tag, attrs)
        elif tag in ALLOWED_TAGS:
            # <p/> is not self-closing in HTML; an empty element says the same without doubt.
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping is not None:
            if tag == self.skipping:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skipping = None
            return
        if tag in BLOCK_TAGS:
            self._block_end()
        if tag not in ALLOWED_TAGS or tag in VOID_TAGS or tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            self.sink.markup(f"</{open_tag}>")
            if open_tag == tag:
                break

    def _block_end(self) -> None:
        self.breaks.append(len(self.sink.text))

    # --- text --------------------------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        if self.skipping is None:
            self.sink.chars(data, self._pos())

    def _reference(self) -> None:
        if self.skipping is not None:
            return
        start = self._pos()
        found = _ENTITY.match(self.source, start)
        raw = found.group() if found else "&"
        self.sink.atom(html.unescape(raw), start)

    def handle_entityref(self, name: str) -> None:
        self._reference()

    def handle_charref(self, name: str) -> None:
        self._reference()

    def finish(self) -> Rendered:
        self.close()
        self.sink.close_mark()
        for tag in reversed(self.stack):
            self.sink.out.append(f"</{tag}>")
        self.stack.clear()
        sink = self.sink
        return Rendered("".join(sink.out), "".join(sink.text), sink.offsets)


def _clean(source: str, image_prefixes: Sequence[str], marks: Sequence[Mark]) -> _Cleaner:
    cleaner = _Cleaner(source, image_prefixes, marks)
    cleaner.feed(source)
    return cleaner


def render(
    source: str, *, image_prefixes: Sequence[str] = (), marks: Sequence[Mark] = ()
) -> Rendered:
    """Clean ``source`` (article HTML) and highlight ``marks`` (source offsets) in it."""
    return _clean(source, image_prefixes, marks).finish()


def sanitize(source: str, *, image_prefixes: Sequence[str] = ()) -> str:
    """Only the allowed tags and attributes of ``source``, with all text escaped again."""
    return render(source, image_prefixes=image_prefixes).html


def text_of(source: str) -> str:
    """The text of article HTML with a line end after each block (what diffs compare)."""
    cleaner = _clean(source, (), ())
    rendered = cleaner.finish()
    lines: list[str] = []
    previous = 0
    for at in [*cleaner.breaks, len(rendered.text)]:
        chunk = rendered.text[previous:at]
        previous = at
        if chunk.strip():
            lines.append(chunk.strip("\n"))
    return "\n".join(lines)


def render_text(text: str, *, marks: Sequence[Mark] = ()) -> Rendered:
    """Plain text (script, subtitles, a title) escaped, with ``marks`` highlighted; shown in an
    element that keeps line breaks (``white-space: pre-wrap``)."""
    sink = _TextOut(marks)
    sink.chars(text, 0)
    sink.close_mark()
    return Rendered("".join(sink.out), "".join(sink.text), sink.offsets)


def locate(rendered: Rendered, source: str, quote: str, start: int | None) -> int | None:
    """Where a passage selected in the shown text starts in ``source``.

    ``start`` is the passage's offset in the shown text (the browser's), used when it points at
    the quote; otherwise the first occurrence counts. None when the passage is not there, or
    when it spans markup or entities and so is not a run of the source.
    """
    if not quote:
        return None
    text = rendered.text
    if start is None or text[start : start + len(quote)] != quote:
        start = text.find(quote)
    if start < 0:
        return None
    origin = rendered.offsets[start]
    return origin if source[origin : origin + len(quote)] == quote else None
