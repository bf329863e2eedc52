"""The data under a monthly report as an Excel workbook (seed 000: the client may ask for it)."""

from __future__ import annotations

import io
from decimal import Decimal

from yunying.metrics import definitions as defs

from .figures import ClientFigures

POST_HEADER = ["账号", "作品编号", "发布日期", "标题", "类型", "阅读量", "播放量", "点赞数"]
POST_HEADER += ["评论数", "转发数", "收藏数", "互动率"]


def workbook(figures: ClientFigures) -> bytes:
    """Sheets: totals with their working, each account's days × metrics, posts, KPIs."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    totals = book.create_sheet("汇总")
    book.remove(book.worksheets[0])
    totals.append(["账号", "指标", "本月", "上月", "环比", "计算方式"])
    for account in figures.accounts:
        for total in account.totals:
            totals.append(
                [
                    account.account.display_name,
                    total.label,
                    _number(total.current.value),
                    _number(total.previous.value),
                    total.change_text,
                    total.current.formula,
                ]
            )
    daily = book.create_sheet("每日数据")
    codes = [c for c in defs.STORED_ORDER if any(a.has(c) for a in figures.accounts)]
    daily.append(["账号", "日期", *(defs.label(c) for c in codes)])
    for account in figures.accounts:
        series = {code: account.daily(code) for code in codes}
        for index, day in enumerate(account.days):
            values = [series[code][index] for code in codes]
            if any(v is not None for v in values):
                daily.append([account.account.display_name, day, *map(_number, values)])
    posts = book.create_sheet("作品")
    posts.append(POST_HEADER)
    for account in figures.accounts:
        for line in account.posts:
            post = line.post
            posts.append(
                [
                    account.account.display_name,
                    post.post_id,
                    post.published_on,
                    post.title,
                    post.kind,
                    post.reads,
                    post.plays,
                    post.likes,
                    post.comments,
                    post.shares,
                    post.favourites,
                    float(line.rate) if line.rate is not None else None,
                ]
            )
    kpis = book.create_sheet("考核指标")
    kpis.append(["合同", "账号", "指标", "目标", "实际", "达成率", "计算方式"])
    for kpi in figures.kpis:
        kpis.append(
            [
                kpi.contract.number,
                kpi.account.display_name if kpi.account else kpi.kpi_id,
                kpi.label,
                _number(kpi.target),
                _number(kpi.value),
                float(kpi.attainment) if kpi.attainment is not None else None,
                kpi.explanation,
            ]
        )
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    formats = [(posts, "L", "0.00%"), (kpis, "F", "0.0%")]
    formats += [(daily, "B", "yyyy-mm-dd"), (posts, "C", "yyyy-mm-dd")]
    for sheet, column, number_format in formats:
        for cell in sheet[column][1:]:
            cell.number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(value: object) -> object:
    """Decimals as Excel numbers (ints stay exact; others as floats for arithmetic)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
