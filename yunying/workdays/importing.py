"""Reading calendar import files (YAML or CSV, see IMPORT_FORMAT.md) into checked year data.

Parsing writes nothing. Every problem found is collected, keyed by where it is (``"row 3: date"``,
``"line 7: from"``), and raised together as one ``ValidationError``, so an admin fixes a file in
one round instead of one error per upload.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import DayKind

Format = Literal["yaml", "csv"]
FORMATS: tuple[Format, ...] = ("yaml", "csv")

CSV_HEADER = ["date", "kind", "name"]
YEAR_KEYS = {"year", "source", "holidays", "makeup_workdays"}
ENTRY_KEYS = {"name", "dates", "from", "to"}
MIN_YEAR, MAX_YEAR = 1950, 2100
# No holiday block is longer than nine days; a longer range is a typo (02-11 typed as 12-11).
MAX_RANGE_DAYS = 31
MAX_NAME_LENGTH = 64
MAX_SOURCE_LENGTH = 255
FILE = "file"


@dataclass(frozen=True)
class ImportedDay:
    date: date
    kind: str
    name: str


@dataclass
class ImportedYear:
    """One year of a checked import file: it replaces everything stored for that year."""

    year: int
    source: str
    days: dict[date, ImportedDay] = field(default_factory=dict)

    def sorted_days(self) -> list[ImportedDay]:
        return [self.days[d] for d in sorted(self.days)]


class _Problems:
    """Collects errors by location, in the order they are found."""

    def __init__(self) -> None:
        self.by_location: dict[str, list[str]] = {}

    def add(self, location: str, message: str) -> None:
        self.by_location.setdefault(location, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_location:
            raise ValidationError(self.by_location)


class _Collector:
    """Adds days to their years, with the checks both formats share."""

    def __init__(self, problems: _Problems) -> None:
        self.problems = problems
        self.years: dict[int, ImportedYear] = {}
        self.where: dict[date, str] = {}

    def year(self, year: int, source: str) -> ImportedYear:
        return self.years.setdefault(year, ImportedYear(year=year, source=source))

    def add(self, target: ImportedYear, day: ImportedDay, location: str, place: str) -> None:
        """``location`` names the field (``"row 3: date"``); ``place`` the row or line alone."""
        # Every day is filed under its own year (checked before), so this finds any repeat.
        previous = target.days.get(day.date)
        if previous is not None:
            if previous.kind != day.kind:
                self.problems.add(
                    location,
                    _("%(date)s is both a holiday and a make-up working day (see also %(other)s).")
                    % {"date": day.date, "other": self.where[day.date]},
                )
            else:
                self.problems.add(
                    location,
                    _("%(date)s is listed twice (see also %(other)s).")
                    % {"date": day.date, "other": self.where[day.date]},
                )
            return
        if day.kind == DayKind.MAKEUP_WORKDAY and day.date.weekday() < 5:
            self.problems.add(
                location,
                _(
                    "%(date)s is a weekday; a make-up working day must be a Saturday or Sunday "
                    "(weekdays are working days anyway)."
                )
                % {"date": day.date},
            )
            return
        target.days[day.date] = day
        self.where[day.date] = place

    def finish(self, year_location: dict[int, str]) -> list[ImportedYear]:
        # With other problems, a year may lack holidays only because its rows were rejected;
        # that follow-on message would just be noise.
        self.problems.raise_if_any()
        for year in self.years.values():
            if not any(day.kind == DayKind.HOLIDAY for day in year.days.values()):
                # Importing replaces the whole year: a year without holidays would wipe them.
                self.problems.add(
                    year_location.get(year.year, FILE),
                    _(
                        "%(year)d has no holidays. Importing a year replaces all of its days, "
                        "so its holidays must be in the file."
                    )
                    % {"year": year.year},
                )
        self.problems.raise_if_any()
        return [self.years[y] for y in sorted(self.years)]


def guess_format(filename: str) -> Format | None:
    """The format a file name suggests, or ``None`` when it does not say."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix in {"yaml", "yml"}:
        return "yaml"
    if suffix == "csv":
        return "csv"
    return None


def parse_import(text: str, *, fmt: Format, source: str = "") -> list[ImportedYear]:
    """Check a whole import file; raise ``ValidationError`` listing every problem found."""
    if fmt not in FORMATS:
        raise ValidationError(
            {"format": [_("Unknown format “%(fmt)s”: use yaml or csv.") % {"fmt": fmt}]}
        )
    if len(source) > MAX_SOURCE_LENGTH:
        raise ValidationError({"source": [_source_length_message()]})
    if not text.strip():
        raise ValidationError({FILE: [_("The file is empty.")]})
    if fmt == "csv":
        return _parse_csv(text, source)
    return _parse_yaml(text, source)


def _parse_date(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        return None


def _bad_date_message(raw: Any) -> str:
    return _("“%(value)s” is not a valid date written YYYY-MM-DD.") % {"value": raw}


# --- CSV --------------------------------------------------------------------------------------


def _parse_csv(text: str, source: str) -> list[ImportedYear]:
    problems = _Problems()
    collector = _Collector(problems)
    # Row numbers are those a spreadsheet shows: the header is row 1.
    rows = enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1)
    header = next(((n, row) for n, row in rows if any(cell.strip() for cell in row)), None)
    if header is None:
        raise ValidationError({FILE: [_("The file is empty.")]})
    number, cells = header
    if [cell.strip().lower() for cell in _trim(cells)] != CSV_HEADER:
        message = _("The first row must be the header %(header)s.") % {
            "header": ",".join(CSV_HEADER)
        }
        header_label = _("header")
        raise ValidationError({f"{_row(number)}: {header_label}": [message]})
    for number, cells in rows:
        cells = _trim(cells)
        if not any(cell.strip() for cell in cells):
            continue
        place = _row(number)
        if len(cells) != len(CSV_HEADER):
            problems.add(
                "{}: {}".format(place, _("columns")),
                _("Expected 3 columns (date, kind, name), found %(count)d.")
                % {"count": len(cells)},
            )
            continue
        raw_date, raw_kind, raw_name = (cell.strip() for cell in cells)
        day = _parse_date(raw_date)
        kind = raw_kind.lower()
        if day is None:
            problems.add(f"{place}: date", _bad_date_message(raw_date))
        if kind not in DayKind.values:
            problems.add(
                f"{place}: kind",
                _("Unknown kind “%(value)s”: use holiday or makeup_workday.") % {"value": raw_kind},
            )
        name = _clean_name(problems, f"{place}: name", raw_name)
        if day is not None and kind in DayKind.values and name is not None:
            if not MIN_YEAR <= day.year <= MAX_YEAR:
                problems.add(f"{place}: date", _year_range_message(day.year))
                continue
            collector.add(
                collector.year(day.year, source),
                ImportedDay(day, kind, name),
                f"{place}: date",
                place,
            )
    if not collector.years and not problems.by_location:
        raise ValidationError({FILE: [_("The file contains no dates.")]})
    return collector.finish({})


def _row(number: int) -> str:
    return _("row %(number)d") % {"number": number}


def _trim(cells: list[str]) -> list[str]:
    """Drop empty cells after the last column, which spreadsheets add."""
    while len(cells) > len(CSV_HEADER) and not cells[-1].strip():
        cells = cells[:-1]
    return cells


def _clean_name(problems: _Problems, location: str, raw: Any) -> str | None:
    """The stripped name, or ``None`` after reporting why it is unusable."""
    name = raw.strip() if isinstance(raw, str) else ""
    if not name:
        problems.add(location, _("A name is required, for example 春节."))
        return None
    if len(name) > MAX_NAME_LENGTH:
        problems.add(
            location,
            _("The name is longer than %(max)d characters.") % {"max": MAX_NAME_LENGTH},
        )
        return None
    return name


def _source_length_message() -> str:
    return _("The source is longer than %(max)d characters.") % {"max": MAX_SOURCE_LENGTH}


def _year_range_message(year: int) -> str:
    return _("%(year)d is not a plausible year (%(min)d to %(max)d).") % {
        "year": year,
        "min": MIN_YEAR,
        "max": MAX_YEAR,
    }


# --- YAML -------------------------------------------------------------------------------------


class _Mapping(dict[str, Any]):
    """A YAML mapping that remembers its line and the line of each key (1-based)."""

    line: int = 1
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Sequence(list[Any]):
    """A YAML sequence that remembers the line of each item."""

    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """Safe loading, plus line numbers for messages, and dates kept as text.

    Dates stay strings so that a wrong one (2027-02-30) becomes a located error from our own
    check instead of an exception from inside the YAML library.
    """


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Iterator[_Mapping]:
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {str(key.value): key.start_mark.line + 1 for key, _value in node.value}
    yield mapping
    mapping.update({str(key): value for key, value in loader.construct_mapping(node).items()})


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Iterator[_Sequence]:
    sequence = _Sequence()
    sequence.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield sequence
    sequence.extend(loader.construct_sequence(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_LineLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),  # type: ignore[arg-type]
)


def _line(number: int) -> str:
    return _("line %(number)d") % {"number": number}


def _parse_yaml(text: str, source: str) -> list[ImportedYear]:
    try:
        documents = list(yaml.load_all(text, Loader=_LineLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValidationError(
            {
                "{}: {}".format(_line(line), _("syntax")): [
                    _("Not valid YAML: %(problem)s") % {"problem": problem}
                ]
            }
        ) from exc

    problems = _Problems()
    year_docs: list[_Mapping] = []
    for document in documents:
        items = document if isinstance(document, list) else [document]
        lines = getattr(document, "item_lines", None) or [1] * len(items)
        for item, line in zip(items, lines, strict=True):
            if item is None:
                continue
            if isinstance(item, _Mapping):
                year_docs.append(item)
            else:
                problems.add(
                    f"{_line(line)}: year",
                    _("Expected a year with the keys year, source, holidays, makeup_workdays."),
                )
    if not year_docs and not problems.by_location:
        raise ValidationError({FILE: [_("The file is empty.")]})

    collector = _Collector(problems)
    year_location: dict[int, str] = {}
    for doc in year_docs:
        _read_year(doc, source, collector, year_location)
    return collector.finish(year_location)


def _read_year(
    doc: _Mapping, default_source: str, collector: _Collector, year_location: dict[int, str]
) -> None:
    problems = collector.problems
    for key in sorted(set(doc) - YEAR_KEYS, key=str):
        problems.add(
            f"{_line(doc.line_of(str(key)))}: {key}",
            _("Unknown key “%(key)s”: expected year, source, holidays, makeup_workdays.")
            % {"key": key},
        )
    year = _year_value(doc.get("year"))
    if year is None:
        problems.add(
            f"{_line(doc.line_of('year'))}: year",
            _("A year such as 2027 is required."),
        )
        return
    if not MIN_YEAR <= year <= MAX_YEAR:
        problems.add(f"{_line(doc.line_of('year'))}: year", _year_range_message(year))
        return
    if year in collector.years:
        problems.add(
            f"{_line(doc.line_of('year'))}: year",
            _("%(year)d appears twice in the file.") % {"year": year},
        )
        return
    raw_source = doc.get("source")
    source_location = f"{_line(doc.line_of('source'))}: source"
    if raw_source is not None and not isinstance(raw_source, str):
        problems.add(source_location, _("The source must be text."))
    source = raw_source.strip() if isinstance(raw_source, str) else default_source
    if len(source) > MAX_SOURCE_LENGTH:
        problems.add(source_location, _source_length_message())
    target = collector.year(year, source)
    year_location[year] = f"{_line(doc.line_of('holidays'))}: holidays"
    for key, kind in (("holidays", DayKind.HOLIDAY), ("makeup_workdays", DayKind.MAKEUP_WORKDAY)):
        entries = doc.get(key)
        if entries is None:
            continue
        if not isinstance(entries, _Sequence):
            problems.add(
                f"{_line(doc.line_of(key))}: {key}",
                _("Expected a list of entries with a name and dates."),
            )
            continue
        for entry, line in zip(entries, entries.item_lines, strict=True):
            _read_entry(entry, line, kind, target, collector)


def _year_value(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    return None


def _read_entry(
    entry: Any, line: int, kind: str, target: ImportedYear, collector: _Collector
) -> None:
    problems = collector.problems
    if not isinstance(entry, _Mapping):
        problems.add(
            f"{_line(line)}: name",
            _("Expected an entry with a name and either dates or from and to."),
        )
        return
    for key in sorted(set(entry) - ENTRY_KEYS, key=str):
        problems.add(
            f"{_line(entry.line_of(str(key)))}: {key}",
            _("Unknown key “%(key)s”: expected name, dates, from, to.") % {"key": key},
        )
    name = _clean_name(problems, f"{_line(entry.line_of('name'))}: name", entry.get("name"))
    if name is None:
        return
    has_dates = "dates" in entry
    has_range = "from" in entry or "to" in entry
    if has_dates == has_range:
        problems.add(
            f"{_line(entry.line)}: dates",
            _("Give either dates (a list) or from and to (a range), not both or neither."),
        )
        return
    located: list[tuple[date, int, str]] = []
    if has_dates:
        raw_dates = entry["dates"]
        if not isinstance(raw_dates, _Sequence) or not raw_dates:
            problems.add(
                f"{_line(entry.line_of('dates'))}: dates",
                _("Expected a list of dates, for example [2027-02-13]."),
            )
            return
        for raw, item_line in zip(raw_dates, raw_dates.item_lines, strict=True):
            day = _parse_date(raw)
            if day is None:
                problems.add(f"{_line(item_line)}: dates", _bad_date_message(raw))
            else:
                located.append((day, item_line, "dates"))
    else:
        located = _expand_range(entry, problems)
    for day, day_line, key in located:
        location = f"{_line(day_line)}: {key}"
        if day.year != target.year:
            problems.add(
                location,
                _("%(date)s is outside the year %(year)d declared for this part of the file.")
                % {"date": day, "year": target.year},
            )
            continue
        collector.add(target, ImportedDay(day, kind, name), location, _line(day_line))


def _expand_range(entry: _Mapping, problems: _Problems) -> list[tuple[date, int, str]]:
    bounds: dict[str, date] = {}
    for key in ("from", "to"):
        location = f"{_line(entry.line_of(key))}: {key}"
        if key not in entry:
            problems.add(location, _("A range needs both from and to."))
            continue
        day = _parse_date(entry[key])
        if day is None:
            problems.add(location, _bad_date_message(entry[key]))
        else:
            bounds[key] = day
    if len(bounds) != 2:
        return []
    start, end = bounds["from"], bounds["to"]
    to_location = f"{_line(entry.line_of('to'))}: to"
    if end < start:
        problems.add(to_location, _("The range ends before it starts."))
        return []
    if (end - start).days >= MAX_RANGE_DAYS:
        problems.add(
            to_location,
            _("The range is longer than %(max)d days; check the dates.") % {"max": MAX_RANGE_DAYS},
        )
        return []
    from_line = entry.line_of("from")
    return [
        (start + timedelta(days=offset), from_line, "from")
        for offset in range((end - start).days + 1)
    ]
