"""The normaliser: one canonical form for text and lexicon terms, with a map back to the original.

People who want a banned word past a filter write it in full-width letters, in traditional
characters, with a heart or a zero-width space between the characters, or with the digits of a
phone number as 壹叁捌. Every one of those tricks is undone here, character by character, before any
matching, and the same function is applied to the lexicon terms, so a term and its disguised form
meet in the middle.

Every step is a function of one character (NFKC, case folding, traditional to simplified, number
forms, deletion of separators), so the whole normalisation is a lookup table over code points.
Applying it is three vectorised numpy operations, and the position of every normalised character
in the original text falls out for free: that is the offset map findings are reported with.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

_CODE_POINTS = 0x110000
# Ranges whose characters can change under normalisation. Outside them (supplementary
# ideographs, private use) every character is kept as it is, which saves building time.
_RANGES: tuple[tuple[int, int], ...] = (
    (0, 0x3400),
    (0x4DC0, 0x4E00),
    (0xA000, 0xAC00),
    (0xD7A4, 0xD800),
    (0xE000, 0x20000),
    (0x2F800, 0x2FA20),
    (0xE0000, 0xE1000),
)
# CJK unified ideographs: NFKC leaves them alone, so only the traditional and numeral tables
# apply (much faster to build than asking unicodedata about 27,000 characters).
_IDEOGRAPHS = ((0x3400, 0x4DC0), (0x4E00, 0xA000))
# Kept although it is punctuation: "100%" is a term of its own, and dropping the sign would
# turn it into every "100".
_KEEP = frozenset("%")
# Chinese numerals are letters to Unicode, but people spell phone numbers with them.
_NUMERALS = dict(zip("零〇一二三四五六七八九", "00123456789", strict=True))
_NUMERALS.update(zip("壹贰叁肆伍陆柒捌玖", "123456789", strict=True))


def opencc_characters(name: str) -> dict[str, str]:
    """A single-character OpenCC table ("TSCharacters": traditional to simplified,
    "STCharacters": the other way), first candidate of each."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / f"{name}.txt"
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if len(source) == 1 and targets:
            # OpenCC lists the usual simplified form first.
            table[source] = targets.split(" ")[0]
    return table


def _deleted(char: str) -> bool:
    """Separators between characters: spaces, punctuation, symbols (emoji), invisible marks."""
    if char in _KEEP:
        return False
    category = unicodedata.category(char)
    return category[0] in "ZPS" or category in ("Cc", "Cf", "Mn", "Me")


def _fold(char: str, simplified: dict[str, str]) -> str:
    """The normal form of one character: zero, one or (rarely) several characters."""
    category = unicodedata.category(char)
    if category in ("No", "Nl"):
        # ① ⑴ ⒈ ➀ Ⅳ ²: the number they stand for, whatever NFKC would make of the decoration.
        value = unicodedata.numeric(char, -1.0)
        if value >= 0 and value == int(value):
            return str(int(value))
    out = []
    for part in unicodedata.normalize("NFKC", char).casefold():
        part = simplified.get(part, part)
        part = _NUMERALS.get(part, part)
        if not _deleted(part):
            out.append(part)
    return "".join(out)


@dataclass(frozen=True)
class _Tables:
    # Output length of each code point: 0 deleted, 1 replaced by `single`, >1 see `multiple`.
    length: npt.NDArray[np.uint8]
    single: npt.NDArray[np.uint32]
    multiple: dict[int, str]


@cache
def _tables() -> _Tables:
    simplified = opencc_characters("TSCharacters")
    length = np.ones(_CODE_POINTS, dtype=np.uint8)
    single = np.arange(_CODE_POINTS, dtype=np.uint32)
    multiple: dict[int, str] = {}
    for low, high in _RANGES:
        for point in range(low, high):
            char = chr(point)
            folded = _fold(char, simplified)
            if folded == char:
                continue
            length[point] = len(folded)
            if len(folded) == 1:
                single[point] = ord(folded)
            elif folded:
                multiple[point] = folded
    for low, high in _IDEOGRAPHS:
        for point in range(low, high):
            char = chr(point)
            folded = simplified.get(char, char)
            folded = _NUMERALS.get(folded, folded)
            if folded != char:
                single[point] = ord(folded)
    return _Tables(length, single, multiple)


def warm_up() -> None:
    """Build the tables now (about a second) rather than on the first text."""
    _tables()


@dataclass(frozen=True)
class Normalized:
    """A text in normal form, with the original position of every normalised character."""

    original: str
    text: str
    # origin[i] is the index in `original` of the character that produced text[i].
    origin: npt.NDArray[np.int64]
    # Where text[i] ends in `original`, when that is further than origin[i]: a collapsed run
    # (微微 -> 微) ends at its last repeat. None when every character is its own origin.
    origin_last: npt.NDArray[np.int64] | None = None
    # The code points of `text`, for vectorised scans (runs of digits or letters).
    points: npt.NDArray[np.uint32] | None = None

    def runs(self, ranges: tuple[tuple[str, str], ...], minimum: int) -> list[tuple[int, int]]:
        """Maximal runs of at least ``minimum`` ASCII characters within ``ranges`` (inclusive
        pairs), as normalised spans: where a pattern can possibly match. Chinese text holds few
        ASCII characters, so one vectorised pass picks them out and the rest is small."""
        points = self.points
        if points is None:
            points = np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        ascii_at = np.flatnonzero(points < 0x80)
        values = points[ascii_at]
        inside = np.zeros(len(values), dtype=bool)
        for low, high in ranges:
            inside |= (values >= ord(low)) & (values <= ord(high))
        at = ascii_at[inside]
        if not len(at):
            return []
        breaks = np.flatnonzero(np.diff(at) != 1)
        starts = np.concatenate((at[:1], at[breaks + 1]))
        ends = np.concatenate((at[breaks], at[-1:])) + 1
        long = (ends - starts) >= minimum
        return list(zip(starts[long].tolist(), ends[long].tolist(), strict=True))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original half-open span of the normalised half-open span [start, end)."""
        if end <= start:
            at = int(self.origin[start]) if start < len(self.origin) else len(self.original)
            return at, at
        last = self.origin if self.origin_last is None else self.origin_last
        return int(self.origin[start]), int(last[end - 1]) + 1


def _decode(points: npt.NDArray[np.uint32]) -> str:
    return points.astype("<u4", copy=False).tobytes().decode("utf-32-le", "surrogatepass")


def normalize(text: str, *, collapse_repeats: bool = False) -> Normalized:
    """``text`` in normal form. ``collapse_repeats`` also folds runs of one character into one
    (微微信信 -> 微信), except digits, which repeat in real phone and card numbers."""
    tables = _tables()
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    lengths = tables.length[points]
    if tables.multiple and bool((lengths > 1).any()):
        origin = np.repeat(np.arange(len(points), dtype=np.int64), lengths)
        out = np.empty(len(origin), dtype=np.uint32)
        starts = np.cumsum(lengths, dtype=np.int64) - lengths
        ones = lengths == 1
        out[starts[ones]] = tables.single[points[ones]]
        for index in np.flatnonzero(lengths > 1):
            folded = tables.multiple[int(points[index])]
            begin = int(starts[index])
            out[begin : begin + len(folded)] = [ord(char) for char in folded]
    else:
        origin = np.flatnonzero(lengths).astype(np.int64, copy=False)
        out = tables.single[points[origin]]
    if collapse_repeats and len(out) > 1:
        digit = (out >= ord("0")) & (out <= ord("9"))
        keep = np.ones(len(out), dtype=bool)
        keep[1:] = (out[1:] != out[:-1]) | digit[1:]
        kept = np.flatnonzero(keep)
        # Each kept character stands for its run, which ends just before the next kept one.
        last = np.append(kept[1:] - 1, len(out) - 1)
        out = out[kept]
        return Normalized(text, _decode(out), origin[kept], origin[last], out)
    return Normalized(text, _decode(out), origin, None, out)


def normalize_term(term: str) -> str:
    """A lexicon term in the same normal form as the texts it is matched against."""
    return normalize(term).text
