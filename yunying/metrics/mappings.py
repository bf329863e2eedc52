"""Column mappings: how a platform's export (or our template) becomes daily values and posts.

Pure: imports nothing from Django. A :class:`Mapping` names the source (WeChat Official Account
back-office exports, Douyin creator-centre exports, our generic template) and holds two table
layouts: a *daily* table (one row per day: a date column and metric columns) and a *posts* table
(one row per published item). Each table of a file (the CSV, or each sheet of a workbook) is
matched to a layout by its header; then :func:`parse` turns cells into :class:`DayRecord` and
:class:`PostRecord` objects and lists every bad cell as a :class:`~yunying.metrics.files.Problem`
with its file, row and column.

Columns a platform export has and our schema does not (完播率, 主页访问量, traffic sources ...)
are kept as *extras* of the day or post, exactly as exported: platform-specific data is not
thrown away. Our own template is strict instead: an unknown column there is a typo, and is
reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from .definitions import STORED_ORDER, label
from .files import MAX_KIND, MAX_POST_ID, Problem, value_problem
from .tables import Cell, Table, UnreadableFile, is_blank, read_tables

TableKind = Literal["daily", "posts"]
# Per-post counts we store besides likes (PostFact fields).
POST_COUNTS = ("reads", "plays", "comments", "shares", "favourites")
MAX_TITLE = 200
MAX_EXTRAS = 40
PROGRESS_EVERY = 5_000
EMPTY_MARKS = frozenset({"-", "--", "—", "/", "N/A", "n/a", "暂无", "无"})
# The platforms' names for kinds of posts, as our quota kinds (contract terms count "video" ...).
KIND_NAMES = {"视频": "video", "图文": "image", "文章": "article", "直播": "live", "图集": "image"}


def _key(header: str) -> str:
    # Exports differ in width of brackets, spaces and case: "播放量（次）" and "播放量(次)" are one.
    text = unicodedata.normalize("NFKC", header).strip().lower()
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Layout:
    """One table shape: which header names mean which field.

    ``fields`` maps a target (a stored metric code, or for posts ``post_id``, ``title``,
    ``kind``, ``likes`` and the counts) to the header names that mean it. ``checks`` maps a
    header name to a (minuend, subtrahend) pair that its value must equal (net growth columns),
    checked when both are present and otherwise kept as an extra. ``identify`` lists headers of
    which one must be present for a table to have this layout.
    """

    kind: TableKind
    date: tuple[str, ...]
    fields: dict[str, tuple[str, ...]]
    identify: tuple[str, ...]
    checks: dict[str, tuple[str, str]] = field(default_factory=dict)
    strict: bool = False
    default_kind: str = ""

    def target_of(self, header: str) -> str | None:
        wanted = _key(header)
        if wanted in {_key(name) for name in self.date}:
            return "date"
        for target, names in self.fields.items():
            if wanted in {_key(name) for name in names}:
                return target
        if wanted in {_key(name) for name in self.checks}:
            return "check"
        return None

    def matches(self, header: list[str]) -> bool:
        keys = {_key(h) for h in header if h}
        return any(_key(name) in keys for name in self.date) and any(
            _key(name) in keys for name in self.identify
        )


@dataclass(frozen=True)
class Mapping:
    """A source of files: its name (``--mapping``), Chinese title, the account platforms it
    fits (empty: any) and its layouts, tried in order."""

    name: str
    title: str
    platforms: frozenset[str]
    layouts: tuple[Layout, ...]
    help: str

    def layout_for(self, header: list[str]) -> Layout | None:
        return next((layout for layout in self.layouts if layout.matches(header)), None)


@dataclass
class DayRecord:
    """One day's values and extras from one row."""

    date: dt.date
    metrics: dict[str, Decimal]
    # As exported (text) from files; JSON values from the platforms' APIs.
    extras: dict[str, Any]
    source: str
    row: int
    # The date column's header, for a problem found when the row meets an earlier one.
    date_column: str = "日期"


@dataclass
class PostRecord:
    """One published item from one row. ``counts`` holds the stored per-post counts."""

    post_id: str
    published_on: dt.date
    title: str
    kind: str
    # None only from an API that gives no likes (see actions._PostValues).
    likes: int | None
    counts: dict[str, int]
    extras: dict[str, Any]
    source: str
    row: int


@dataclass
class Parsed:
    """What a file holds: good records, every problem, and what was read."""

    days: list[DayRecord] = field(default_factory=list)
    posts: list[PostRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    extra_columns: list[str] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        return len({(p.source, p.row) for p in self.problems})


# ----- the mappings --------------------------------------------------------------------------

_DATE = ("日期", "时间", "date", "统计日期", "数据日期")
_PUBLISHED = ("发布时间", "发表时间", "发布日期", "published_on", "群发时间", "发文时间")

WECHAT_OA = Mapping(
    name="wechat_oa",
    title="微信公众号后台导出",
    platforms=frozenset({"wechat_oa"}),
    help="用户分析（用户增长）与内容分析的数据明细表；单篇群发数据表作为作品导入。",
    layouts=(
        Layout(
            kind="posts",
            date=_PUBLISHED,
            identify=("内容标题", "文章标题", "标题"),
            fields={
                "post_id": ("消息id", "msgid", "文章链接", "内容链接"),
                "title": ("内容标题", "文章标题", "标题"),
                "reads": ("总阅读次数", "阅读次数", "阅读数"),
                "likes": ("点赞数", "点赞人数", "点赞次数", "赞"),
                "shares": ("总分享次数", "分享次数", "转发次数"),
                "favourites": ("收藏次数", "收藏数"),
                "comments": ("留言数", "评论数", "留言次数"),
            },
            default_kind="article",
        ),
        Layout(
            kind="daily",
            date=_DATE,
            identify=("新关注人数", "累积关注人数", "阅读次数", "分享次数"),
            fields={
                "followers_new": ("新关注人数",),
                "followers_lost": ("取消关注人数",),
                "followers_total": ("累积关注人数", "累计关注人数"),
                "reads": ("阅读次数", "图文阅读次数"),
                "shares": ("分享次数", "转发次数"),
                "favourites": ("收藏次数",),
                "messages": ("消息数", "留言数"),
            },
            checks={"净增关注人数": ("followers_new", "followers_lost")},
        ),
    ),
)

DOUYIN = Mapping(
    name="douyin",
    title="抖音创作者中心导出",
    platforms=frozenset({"douyin"}),
    help="数据中心的账号总览按日明细；作品数据表作为作品导入。",
    layouts=(
        Layout(
            kind="posts",
            date=_PUBLISHED,
            identify=("作品名称", "作品标题", "作品id", "视频id"),
            fields={
                "post_id": ("作品id", "视频id", "item_id"),
                "title": ("作品名称", "作品标题", "视频标题"),
                "kind": ("体裁", "作品类型"),
                "plays": ("播放量", "播放次数"),
                "likes": ("点赞量", "点赞数", "点赞"),
                "comments": ("评论量", "评论数"),
                "shares": ("分享量", "分享数"),
                "favourites": ("收藏量", "收藏数"),
            },
            default_kind="video",
        ),
        Layout(
            kind="daily",
            date=_DATE,
            identify=("播放量", "新增粉丝", "粉丝总量", "点赞量"),
            fields={
                "plays": ("播放量", "视频播放量"),
                "likes": ("点赞量", "获赞", "点赞数"),
                "comments": ("评论量", "评论数"),
                "shares": ("分享量", "分享数"),
                "favourites": ("收藏量", "收藏数"),
                "followers_new": ("新增粉丝", "新增粉丝数"),
                "followers_lost": ("取关粉丝", "取关粉丝数", "掉粉数"),
                "followers_total": ("粉丝总量", "粉丝总数", "总粉丝数"),
                "messages": ("私信数", "私信人数"),
            },
            checks={"净增粉丝": ("followers_new", "followers_lost")},
        ),
    ),
)

GENERIC = Mapping(
    name="generic",
    title="云营通用模板",
    platforms=frozenset(),
    help="表头为指标名称（或代码）的每日数据表，以及作品数据表；可下载示例文件。",
    layouts=(
        Layout(
            kind="posts",
            date=("发布日期", "published_on"),
            identify=("作品编号", "post_id"),
            fields={
                "post_id": ("作品编号", "post_id"),
                "title": ("标题", "title"),
                "kind": ("类型", "kind"),
                "reads": ("阅读量", "reads"),
                "plays": ("播放量", "plays"),
                "likes": ("点赞数", "likes"),
                "comments": ("评论数", "comments"),
                "shares": ("转发数", "shares"),
                "favourites": ("收藏数", "favourites"),
            },
            strict=True,
        ),
        Layout(
            kind="daily",
            date=("日期", "date"),
            identify=tuple(label(c) for c in STORED_ORDER) + STORED_ORDER,
            fields={code: (label(code), code) for code in STORED_ORDER},
            strict=True,
        ),
    ),
)

MAPPINGS: dict[str, Mapping] = {m.name: m for m in (WECHAT_OA, DOUYIN, GENERIC)}

# The generic template's headers, in the order of the downloadable sample.
TEMPLATE_DAILY_HEADER = ["日期", *(label(code) for code in STORED_ORDER)]
TEMPLATE_POSTS_HEADER = ["作品编号", "发布日期", "标题", "类型", "阅读量", "播放量"]
TEMPLATE_POSTS_HEADER += ["点赞数", "评论数", "转发数", "收藏数"]


def mapping(name: str) -> Mapping:
    """The mapping called ``name``; an unknown name is a ``KeyError`` listing the known ones."""
    try:
        return MAPPINGS[name]
    except KeyError:
        raise KeyError(f"未知的导入格式“{name}”，可选：{', '.join(MAPPINGS)}") from None


# ----- cells ---------------------------------------------------------------------------------


class _BadCell(ValueError):
    pass


def _text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "" if cell is None else str(cell).strip()


def parse_date(cell: Cell) -> dt.date:
    """A date as exports write it: 2026-10-01, 2026/10/1, 2026年10月1日, 20261001, with or
    without a time, or a spreadsheet date."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = _text(cell)
    found = re.fullmatch(
        r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?", text
    ) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if found:
        try:
            return dt.date(*(int(part) for part in found.groups()))
        except ValueError:
            pass
    raise _BadCell(f"不是日期：“{text}”（应为 2026-10-01 这样的日期）")


def parse_number(cell: Cell, *, signed: bool = False) -> Decimal | None:
    """A count or amount: ``1,234``, ``1234.5``, a spreadsheet number; ``-`` and blanks are no
    value (not zero: an export that leaves a cell empty has not measured 0). Only ``signed``
    columns (net growth) may be negative."""
    if isinstance(cell, bool):
        raise _BadCell(f"不是数字：“{cell}”")
    if isinstance(cell, int):
        value = Decimal(cell)
    elif isinstance(cell, float):
        # repr gives the shortest text that reads back as the same float: 0.1, not 0.1000000…
        value = Decimal(repr(cell))
    else:
        text = _text(cell).replace(",", "").replace("，", "")
        if not text or text in EMPTY_MARKS:
            return None
        if text.endswith(("万", "w", "W", "亿")):
            raise _BadCell(f"“{text}”是约数，请导出精确数值")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise _BadCell(f"不是数字：“{text}”") from None
    problem = value_problem(value, _text(cell), signed=signed)
    if problem:
        raise _BadCell(problem)
    return value


def _count(cell: Cell) -> int | None:
    value = parse_number(cell)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise _BadCell(f"应为整数：“{_text(cell)}”")
    return int(value)


def _extra(cell: Cell) -> str:
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float):
        return repr(cell)
    return _text(cell)[:200]


def derived_post_id(published_on: dt.date, title: str) -> str:
    """A stable id for exports without one (WeChat's per-article table): the same article in the
    next export gets the same id, so re-importing updates instead of duplicating."""
    digest = hashlib.sha256(f"{published_on.isoformat()}|{title}".encode()).hexdigest()[:16]
    return f"t-{digest}"


# ----- parsing -------------------------------------------------------------------------------


@dataclass
class _Columns:
    """A table's header resolved against its layout."""

    date: int
    targets: dict[str, int]
    checks: dict[str, int]
    extras: dict[str, int]
    problems: list[Problem]


def _resolve(table: Table, layout: Layout) -> _Columns:
    date = -1
    targets: dict[str, int] = {}
    checks: dict[str, int] = {}
    extras: dict[str, int] = {}
    problems: list[Problem] = []
    row = table.header_row
    for index, name in enumerate(table.header):
        if not name:
            continue
        target = layout.target_of(name)
        if target == "date" and date < 0:
            date = index
        elif target == "check":
            checks[name] = index
        elif target is not None and target != "date" and target not in targets:
            targets[target] = index
        elif target is not None:
            problems.append(Problem(table.source, row, name, "该列重复"))
        elif layout.strict:
            message = "未知的列（请使用模板中的列名）"
            problems.append(Problem(table.source, row, name, message))
        elif len(extras) < MAX_EXTRAS:
            extras[name] = index
    if layout.kind == "posts" and "likes" not in targets:
        need = "、".join(layout.fields["likes"][:2])
        problems.append(Problem(table.source, row, need, "缺少点赞数列"))
    if layout.kind == "posts" and "post_id" not in targets and "title" not in targets:
        problems.append(Problem(table.source, row, "作品编号", "缺少作品编号或标题列"))
    if layout.kind == "daily" and not targets:
        problems.append(Problem(table.source, row, layout.date[0], "没有可导入的指标列"))
    return _Columns(date, targets, checks, extras, problems)


def _cell(cells: list[Cell], index: int) -> Cell:
    return cells[index] if index < len(cells) else None


def _name(table: Table, index: int) -> str:
    return table.header[index]


def _day_row(
    table: Table, layout: Layout, columns: _Columns, number: int, cells: list[Cell]
) -> tuple[DayRecord | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(index: int, message: str) -> None:
        problems.append(Problem(table.source, number, _name(table, index), message))

    day = dt.date.min
    try:
        day = parse_date(_cell(cells, columns.date))
    except _BadCell as exc:
        bad(columns.date, str(exc))
    metrics: dict[str, Decimal] = {}
    for target, index in columns.targets.items():
        try:
            value = parse_number(_cell(cells, index))
        except _BadCell as exc:
            bad(index, str(exc))
            continue
        if value is not None:
            metrics[target] = value
    extras = {name: _extra(_cell(cells, i)) for name, i in columns.extras.items()}
    extras = {name: value for name, value in extras.items() if value}
    for name, index in columns.checks.items():
        try:
            given = parse_number(_cell(cells, index), signed=True)
        except _BadCell as exc:
            bad(index, str(exc))
            continue
        left, right = layout.checks[name]
        if given is None:
            continue
        if left in metrics and right in metrics:
            expected = metrics[left] - metrics[right]
            if given != expected:
                bad(index, f"应等于 {label(left)} − {label(right)} = {expected}，表中为 {given}")
        else:
            extras[name] = str(given)
    if problems:
        return None, problems
    if not metrics and not extras:
        return None, []
    date_column = _name(table, columns.date)
    return DayRecord(day, metrics, extras, table.source, number, date_column), []


def _post_row(
    table: Table, layout: Layout, columns: _Columns, number: int, cells: list[Cell]
) -> tuple[PostRecord | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(index: int, message: str) -> None:
        problems.append(Problem(table.source, number, _name(table, index), message))

    day = dt.date.min
    try:
        day = parse_date(_cell(cells, columns.date))
    except _BadCell as exc:
        bad(columns.date, str(exc))
    texts = {
        target: _text(_cell(cells, columns.targets[target]))
        for target in ("post_id", "title", "kind")
        if target in columns.targets
    }
    title = texts.get("title", "")
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1] + "…"
    kind = texts.get("kind") or layout.default_kind
    kind = KIND_NAMES.get(kind, kind)
    if "kind" in columns.targets and len(kind) > MAX_KIND:
        bad(columns.targets["kind"], f"最多 {MAX_KIND} 个字符：“{kind}”")
    elif not kind:
        bad(columns.targets.get("kind", columns.date), "请填写作品类型（如 video、article）")
    post_id = texts.get("post_id", "")
    if "post_id" in columns.targets and not post_id:
        bad(columns.targets["post_id"], "不能为空")
    elif len(post_id) > MAX_POST_ID:
        bad(columns.targets["post_id"], f"最多 {MAX_POST_ID} 个字符：“{post_id}”")
    elif not post_id and not title:
        bad(columns.targets["title"], "没有作品编号时，标题不能为空")
    counts: dict[str, int] = {}
    for target in ("likes", *POST_COUNTS):
        if target not in columns.targets:
            continue
        index = columns.targets[target]
        try:
            value = _count(_cell(cells, index))
        except _BadCell as exc:
            bad(index, str(exc))
            continue
        if value is None and target == "likes":
            bad(index, "不能为空")
        elif value is not None:
            counts[target] = value
    if problems:
        return None, problems
    extras = {name: _extra(_cell(cells, i)) for name, i in columns.extras.items()}
    return PostRecord(
        post_id=post_id or derived_post_id(day, title),
        published_on=day,
        title=title,
        kind=kind,
        likes=counts.pop("likes"),
        counts=counts,
        extras={name: value for name, value in extras.items() if value},
        source=table.source,
        row=number,
    ), []


def parse(
    data: bytes,
    filename: str,
    source: Mapping,
    *,
    progress: Callable[[int], None] | None = None,
) -> Parsed:
    """Read a file with ``source``'s layouts: every good record and every problem.

    A table matching no layout is one problem on its header row; a day or post given twice is a
    problem on the later row naming the earlier one. ``progress`` is called with the number of
    rows read every :data:`PROGRESS_EVERY` rows.
    """
    parsed = Parsed()

    def is_header(header: list[str]) -> bool:
        return source.layout_for(header) is not None

    try:
        tables, headless = read_tables(data, filename, is_header)
    except UnreadableFile as exc:
        parsed.problems.append(Problem(filename, 1, "", str(exc)))
        return parsed
    for name in headless:
        kinds = "、".join(sorted({layout.date[0] for layout in source.layouts}))
        message = f"前 10 行中没有找到“{source.title}”的表头（应含 {kinds} 等列）"
        if not tables:
            parsed.problems.append(Problem(name, 1, "", message))
    days_seen: dict[dt.date, DayRecord] = {}
    posts_seen: dict[str, PostRecord] = {}
    for table in tables:
        layout = source.layout_for(table.header)
        if layout is None:  # pragma: no cover - read_tables kept only tables that match one
            continue
        columns = _resolve(table, layout)
        if columns.problems:
            parsed.problems += columns.problems
            continue
        for name in columns.extras:
            if name not in parsed.extra_columns:
                parsed.extra_columns.append(name)
        for number, cells in table.rows:
            if all(is_blank(c) for c in cells):
                continue
            parsed.rows_read += 1
            if progress is not None and parsed.rows_read % PROGRESS_EVERY == 0:
                progress(parsed.rows_read)
            row = list(cells)
            if layout.kind == "daily":
                day, problems = _day_row(table, layout, columns, number, row)
                parsed.problems += problems
                if day is not None:
                    _merge_day(parsed, days_seen, day)
            else:
                post, problems = _post_row(table, layout, columns, number, row)
                parsed.problems += problems
                if post is not None:
                    _merge_post(parsed, posts_seen, post)
    return parsed


def _merge_day(parsed: Parsed, seen: dict[dt.date, DayRecord], day: DayRecord) -> None:
    earlier = seen.get(day.date)
    if earlier is None:
        seen[day.date] = day
        parsed.days.append(day)
        return
    # Two sheets of one workbook may cover different metrics of the same day; only a metric
    # given twice is a problem (a file must not say two things about one fact).
    twice = set(day.metrics) & set(earlier.metrics)
    if twice:
        where = f"{earlier.source} 第 {earlier.row} 行" if earlier.source != day.source else ""
        where = where or f"第 {earlier.row} 行"
        names = "、".join(label(code) for code in sorted(twice))
        message = f"与{where}重复（同一日期的{names}）"
        parsed.problems.append(Problem(day.source, day.row, day.date_column, message))
        return
    earlier.metrics.update(day.metrics)
    earlier.extras.update(day.extras)


def _merge_post(parsed: Parsed, seen: dict[str, PostRecord], post: PostRecord) -> None:
    earlier = seen.get(post.post_id)
    if earlier is None:
        seen[post.post_id] = post
        parsed.posts.append(post)
        return
    message = f"与第 {earlier.row} 行是同一作品（{post.title or post.post_id}）"
    parsed.problems.append(Problem(post.source, post.row, "作品编号", message))


# ----- the generic template's sample --------------------------------------------------------

_SAMPLE_DAYS = {
    "followers_total": (5000, 5031),
    "followers_new": (40, 35),
    "followers_lost": (6, 4),
    "reads": (1200, 980),
    "likes": (85, 70),
    "calls": (3, None),
}
_SAMPLE_POSTS = [
    ["v-20261001-1", "2026-10-01", "秋季新品试吃", "video", "", 12000, 700, 40, 10, 25],
    ["a-20261002-1", "2026-10-02", "门店国庆营业时间", "article", 3200, "", 90, 12, 30, 8],
]


def _sample_day_rows() -> list[list[object]]:
    rows: list[list[object]] = []
    for index, day in enumerate(("2026-10-01", "2026-10-02")):
        values = {code: pair[index] for code, pair in _SAMPLE_DAYS.items()}
        cells = [values.get(code) for code in STORED_ORDER]
        rows.append([day, *("" if value is None else value for value in cells)])
    return rows


def sample_csv() -> bytes:
    """The daily table of the generic template as CSV (UTF-8 with a byte-order mark, so Excel
    opens the Chinese header correctly)."""
    lines = [",".join(TEMPLATE_DAILY_HEADER)]
    lines += [",".join(str(cell) for cell in row) for row in _sample_day_rows()]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def sample_workbook() -> bytes:
    """The generic template as XLSX: a daily sheet and a posts sheet with two sample rows each,
    and a sheet explaining the columns. Blank cells mean "not measured", not zero."""
    import io

    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    daily = book.create_sheet("每日数据")
    book.remove(book.worksheets[0])
    daily.append(TEMPLATE_DAILY_HEADER)
    for row in _sample_day_rows():
        daily.append(row)
    posts = book.create_sheet("作品数据")
    posts.append(TEMPLATE_POSTS_HEADER)
    for post in _SAMPLE_POSTS:
        posts.append(post)
    notes = book.create_sheet("说明")
    notes.append(["列名", "代码", "说明"])
    notes.append(["日期", "date", "YYYY-MM-DD；每个日期一行"])
    for code in STORED_ORDER:
        notes.append([label(code), code, "当天数值；留空表示没有数据（不等于 0）"])
    for sheet in (daily, posts, notes):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
