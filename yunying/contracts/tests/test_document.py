"""The contract document: what it says (built from the terms), and the DOCX and PDF renderings.

PDF pages are saved to ``test-artifacts/documents/`` for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import importlib.abc
import io
import re
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pypdfium2 as pdfium
import pytest
from docx.oxml.ns import qn

from yunying.contracts import document
from yunying.contracts.document import (
    ContractDocument,
    build_document,
    chinese_number,
    percent_per_day,
    render_docx,
    render_pdf,
    yuan_in_words,
)
from yunying.contracts.terms import Terms, load_yaml
from yunying.core.pdf import RenderingUnavailable

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT.parent / "shared" / "seeds"
ARTIFACTS = ROOT / "test-artifacts" / "documents"

# A Douyin monthly operation contract using every part of the format the document writes about.
TERMS_YAML = """
schema: yunying.terms/1
id: DOC-DY-001
kind: account_operation
client: 山城火锅餐饮管理有限公司
agency: 青禾数字传媒有限公司
period: {start: 2026-07-01, end: 2027-06-30}
renewal: {notice_days: 30}
accounts:
  D: {platform: douyin, name: 山城火锅官方号}
  W: {platform: wechat_oa, name: 山城火锅服务号}
services:
  - 选题策划、脚本、拍摄剪辑与发布
  - 评论与私信回复
fees:
  fixed_monthly: "8000.00"
  one_off:
    - {label: 账号装修费, amount: "3000.00", due_working_days: 5}
quotas:
  - {account: D, kind: video, per_month: 12, per_week: 2, min_likes: 100,
     missing_item_deduction: "300.00"}
  - {account: W, kind: article, per_month: 8}
kpis:
  - {id: growth, account: D, metric: followers_net_growth, target: 2000,
     performance_pay: "1000.00", cap: 2.0}
  - {id: calls, account: W, metric: calls_per_follower, target: 0.005,
     performance_pay: "500.00"}
settlement:
  tiers:
    - {above: 0.70, fixed_share: 1.0, performance: true}
    - {above: 0.50, fixed_share: 0.8, performance: false}
    - {fixed_share: 0.0, performance: false}
deductions:
  follower_shortfall:
    - {account: D, target: 2000, block: 100, percent_of_fixed: 1}
penalties:
  late_delivery: {percent_per_day: 0.1, refund_after_days: 7}
  late_payment: {percent_per_day: 0.05, from_day: 16}
windows: {review_working_days: 3, max_revision_rounds: 3, report_day: 5, payment_day: 10}
termination:
  agency_idle_days: 7
  account_unusable_days: 7
  client_silent_working_days: 20
clauses: [liability, confidentiality, force_majeure, content_compliance, intellectual_property,
          dispute]
"""
HEADINGS = [
    "服务内容",
    "服务期限与续约",
    "费用与支付",
    "考核指标与结算",
    "审核与修改",
    "违约责任",
    "合同解除",
    "保密",
    "不可抗力",
    "内容合规",
    "知识产权",
    "争议解决",
    "其他",
]
NUMBERS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三"]


@pytest.fixture(scope="module")
def terms() -> Terms:
    return load_yaml(TERMS_YAML)


@pytest.fixture(scope="module")
def doc(terms: Terms) -> ContractDocument:
    return build_document(
        terms, number="QH-2026-018", version=1, effective_from=dt.date(2026, 7, 1)
    )


@pytest.fixture(scope="module")
def docx_file(doc: ContractDocument) -> Any:
    return docx.Document(io.BytesIO(render_docx(doc)))


@pytest.fixture(scope="module")
def pdf(doc: ContractDocument) -> Any:
    return pdfium.PdfDocument(render_pdf(doc))


def docx_text(word: Any) -> str:
    lines = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            lines.append("　".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def pdf_text(pdf: Any) -> str:
    return "".join(page.get_textpage().get_text_range() for page in pdf)


def clause_text(doc: ContractDocument, heading: str) -> str:
    return "".join(next(a.clauses for a in doc.articles if a.heading == heading))


# -- amounts in words --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("0.50", "伍角整"),
        ("10.50", "壹拾元伍角整"),
        ("10.05", "壹拾元零伍分"),
        ("1005", "壹仟零伍元整"),
        ("3000", "叁仟元整"),
        ("100000.01", "壹拾万元零壹分"),
        ("1000100", "壹佰万零壹佰元整"),
        ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        ("100010000", "壹亿零壹万元整"),
        ("20000000", "贰仟万元整"),
    ],
)
def test_amounts_are_written_in_capital_numerals(amount: str, words: str) -> None:
    assert yuan_in_words(Decimal(amount)) == words


def test_a_negative_amount_has_no_words() -> None:
    with pytest.raises(ValueError, match="negative"):
        yuan_in_words(Decimal("-1"))


@pytest.mark.parametrize(
    ("n", "words"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三")]
)
def test_articles_are_numbered_in_chinese(n: int, words: str) -> None:
    assert chinese_number(n) == words


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        ("0.05", "每日0.05%（即每日万分之五）"),
        ("0.1", "每日0.1%（即每日千分之一）"),
        ("0.15", "每日0.15%（即每日万分之十五）"),
        ("0.333", "每日0.333%"),
    ],
)
def test_daily_rates_are_glossed_as_parts_per_thousand_or_ten_thousand(
    rate: str, text: str
) -> None:
    assert percent_per_day(Decimal(rate)) == text


# -- what the document says --------------------------------------------------------------------


def test_articles_follow_the_terms_in_order_and_are_numbered_without_gaps(
    doc: ContractDocument,
) -> None:
    assert [a.heading for a in doc.articles] == HEADINGS
    assert [a.title for a in doc.articles] == [
        f"第{n}条　{h}" for n, h in zip(NUMBERS, HEADINGS, strict=True)
    ]


def test_articles_with_nothing_to_say_are_left_out() -> None:
    terms = load_yaml(
        """
schema: yunying.terms/1
id: DOC-MIN
kind: video_production
client: 甲公司
agency: 乙公司
period: {start: 2026-03-01, end: 2026-03-15}
accounts: {V: {platform: douyin, name: 甲公司抖音号}}
fees: {per_item: {video: "800.00"}}
clauses: [dispute]
"""
    )
    doc = build_document(terms, number="N-1", version=1, effective_from=dt.date(2026, 3, 1))
    assert [a.title for a in doc.articles] == [
        "第一条　服务内容",
        "第二条　服务期限与续约",
        "第三条　费用与支付",
        "第四条　合同解除",
        "第五条　争议解决",
        "第六条　其他",
    ]
    assert doc.annexes[0].rows == (("计件费（短视频）", "¥800.00", "人民币捌佰元整", "每条"),)


def test_the_parties_and_the_main_fees_are_stated_with_figures_and_words(
    doc: ContractDocument,
) -> None:
    assert [(p.role, p.name) for p in doc.parties] == [
        ("甲方（委托方）", "山城火锅餐饮管理有限公司"),
        ("乙方（服务方）", "青禾数字传媒有限公司"),
    ]
    fees = clause_text(doc, "费用与支付")
    assert "固定服务费每月¥8,000.00（人民币捌仟元整）" in fees
    assert "账号装修费¥3,000.00（人民币叁仟元整），甲方于本合同签订之日起 5 个工作日内支付" in fees
    assert "每月 10 日前支付" in fees
    assert "每月 5 日前向甲方提交" in fees


def test_services_name_the_accounts_the_lines_and_the_quotas(doc: ContractDocument) -> None:
    services = clause_text(doc, "服务内容")
    assert "抖音账号“山城火锅官方号”、微信公众号账号“山城火锅服务号”" in services
    assert "（一）选题策划、脚本、拍摄剪辑与发布；（二）评论与私信回复" in services
    assert "每月不少于 12 条，且每周不少于 2 条" in services
    assert "点赞数不足 100 的，不计入完成数量" in services
    assert "每缺一条从当月费用中扣减¥300.00" in services


def test_kpis_are_explained_with_metric_names_targets_caps_and_tiers_in_words(
    doc: ContractDocument,
) -> None:
    kpis = clause_text(doc, "考核指标与结算")
    assert "粉丝净增长：每月目标 2000，绩效费¥1,000.00，达成率最高按 200% 计" in kpis
    assert "电话量/粉丝总数：每月目标 0.005，绩效费¥500.00，达成率最高按 100% 计" in kpis
    assert "综合达成率高于 70% 的，支付全额固定服务费，并按各指标达成率支付绩效费" in kpis
    assert "综合达成率高于 50% 且不高于 70% 的，支付固定服务费的 80%，不支付绩效费" in kpis
    assert "综合达成率不高于 50% 的，固定服务费和绩效费均不支付" in kpis
    assert "每差 100 人扣减当月固定服务费的 1%，不足一档的部分不扣" in kpis


def test_review_liability_and_termination_carry_their_numbers(doc: ContractDocument) -> None:
    assert "3 个工作日内" in clause_text(doc, "审核与修改")
    assert "最多可提出 3 轮修改意见" in clause_text(doc, "审核与修改")
    liability = clause_text(doc, "违约责任")
    assert "按固定月费的0.1%（即每日千分之一）" in liability
    assert "逾期超过 7 日的，甲方可以解除合同" in liability
    assert "书面催告之日后第 16 日起，按未付金额每日0.05%（即每日万分之五）" in liability
    assert "应赔偿对方因此遭受的实际损失" in liability
    termination = clause_text(doc, "合同解除")
    assert "连续 7 日未提供服务" in termination
    assert "连续 7 日无法使用" in termination
    assert "连续 20 个工作日不回复" in termination


def test_the_review_article_says_what_the_clients_silence_means(terms: Terms) -> None:
    from dataclasses import replace

    escalated = clause_text(
        build_document(terms, number="X", version=1, effective_from=dt.date(2026, 7, 1)),
        "审核与修改",
    )
    assert "时间顺延" in escalated
    assert "视为审核通过" not in escalated
    deemed = replace(terms, windows=replace(terms.windows, client_silence="deemed_approval"))
    text = clause_text(
        build_document(deemed, number="X", version=1, effective_from=dt.date(2026, 7, 1)),
        "审核与修改",
    )
    assert "视为审核通过" in text


def test_the_annexes_tabulate_fees_quotas_kpis_and_tiers(doc: ContractDocument) -> None:
    assert [t.title for t in doc.annexes] == [
        "附件一　费用明细",
        "附件二　内容数量",
        "附件三　考核指标",
        "附件四　结算档位",
    ]
    assert doc.annexes[0].rows[0] == ("固定服务费", "¥8,000.00", "人民币捌仟元整", "每月")
    assert doc.annexes[3].rows[1] == ("高于 50% 且不高于 70%", "80%", "不支付")


def test_a_first_version_is_the_contract_itself(doc: ContractDocument) -> None:
    assert doc.subtitle == ""
    assert "补充协议" not in doc.text()
    assert "自2026年7月1日起生效" in clause_text(doc, "其他")


def test_a_later_version_is_a_numbered_supplementary_agreement_with_its_effective_date(
    terms: Terms,
) -> None:
    doc = build_document(
        terms, number="QH-2026-018", version=3, effective_from=dt.date(2026, 10, 1), note="调价"
    )
    assert doc.title == "账号代运营服务合同"
    assert doc.subtitle == "第二号补充协议"
    assert (
        "合同编号 QH-2026-018 的第二号补充协议（合同第 3 版），自2026年10月1日起生效"
        in (doc.preamble[0])
    )
    assert "本补充协议自2026年10月1日起生效" in clause_text(doc, "其他")
    assert "补充说明：调价" in clause_text(doc, "其他")


def test_no_twenty_character_run_of_any_seed_appears_in_the_document(
    terms: Terms, docx_file: Any
) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed texts not found at {SEEDS}")

    def normal(text: str) -> str:
        # Full-width and half-width punctuation count as the same, and spacing does not count.
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))

    runs: set[str] = set()
    for path in sorted(SEEDS.glob("*.txt")):
        seed = normal(path.read_text(encoding="utf-8"))
        runs.update(seed[i : i + 20] for i in range(len(seed) - 19))
    assert len(runs) > 10_000
    supplement = build_document(terms, number="X", version=2, effective_from=dt.date(2026, 9, 1))
    for text in (docx_text(docx_file), supplement.text()):
        ours = normal(text)
        copied = [ours[i : i + 20] for i in range(len(ours) - 19) if ours[i : i + 20] in runs]
        assert copied == []


# -- DOCX --------------------------------------------------------------------------------------


def test_the_docx_reads_back_with_parties_fees_and_articles_in_order(docx_file: Any) -> None:
    text = docx_text(docx_file)
    assert "账号代运营服务合同" in text
    assert "甲方（委托方）：山城火锅餐饮管理有限公司" in text
    assert "乙方（服务方）：青禾数字传媒有限公司" in text
    assert "¥8,000.00（人民币捌仟元整）" in text
    positions = [text.index(f"第{n}条　{h}") for n, h in zip(NUMBERS, HEADINGS, strict=True)]
    assert positions == sorted(positions)
    assert "1. 甲方委托乙方为抖音账号“山城火锅官方号”" in text


def test_the_docx_is_a4_with_bold_headings_and_bordered_annex_tables(docx_file: Any) -> None:
    section = docx_file.sections[0]
    # Word stores page sizes in twips, so millimetres come back rounded.
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    heading = next(p for p in docx_file.paragraphs if p.text == "第一条　服务内容")
    assert all(run.bold for run in heading.runs)
    annexes = [t for t in docx_file.tables if t.style is not None and t.style.name == "Table Grid"]
    assert [t.cell(0, 0).text for t in annexes] == ["费用项目", "账号", "编号", "综合达成率"]
    assert "附件三　考核指标" in docx_text(docx_file)


def test_every_chinese_run_of_the_docx_names_an_east_asian_font(docx_file: Any) -> None:
    body = docx_file.element.body
    runs = [r for r in body.iter(qn("w:r")) if re.search(r"[\u4e00-\u9fff]", _run_text(r))]
    assert len(runs) > 50
    fonts = {_east_asia(r) for r in runs}
    assert fonts <= set(document.DOCX_BODY_FONT + document.DOCX_HEADING_FONT) - {""}
    assert None not in fonts
    normal = docx_file.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == document.DOCX_BODY_FONT[1]


def _run_text(run: Any) -> str:
    return "".join(t.text or "" for t in run.iter(qn("w:t")))


def _east_asia(run: Any) -> str | None:
    fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


# -- PDF ---------------------------------------------------------------------------------------


def test_the_pdf_contains_the_chinese_text(pdf: Any) -> None:
    text = pdf_text(pdf)
    for words in (
        "账号代运营服务合同",
        "山城火锅餐饮管理有限公司",
        "第一条",
        "服务内容",
        "人民币捌仟元整",
        "第十三条",
        "附件四",
        "合同编号",
        "QH-2026-018",
    ):
        assert words in text


def test_the_pdf_pages_render_with_nothing_in_the_side_margins(pdf: Any) -> None:
    """Pages 1 and 2 are saved as PNG to look at; on every page the margins stay blank.

    A table wider than the page would spill into the right margin, so a blank margin strip on
    every page (the annex pages included) shows the tables fit.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert len(pdf) >= 3
    for index in range(len(pdf)):
        image = pdf[index].render(scale=2).to_pil().convert("L")
        if index < 2:
            image.save(ARTIFACTS / f"contract-page-{index + 1}.png")
        width, height = image.size
        mm = width / 210
        for left, right in ((0, 18 * mm), (width - 18 * mm, width)):
            strip = image.crop((int(left), 0, int(right), height))
            assert strip.getextrema()[0] > 200, f"page {index + 1} has ink in a margin"
        body = image.crop((int(25 * mm), int(25 * mm), int(width - 25 * mm), int(100 * mm)))
        assert body.getextrema()[0] < 100, f"page {index + 1} has no text"


def test_a_missing_pango_library_is_named_in_the_error(
    doc: ContractDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    class NoPango(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, *args: object) -> None:
            if name == "weasyprint":
                raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(sys, "meta_path", [NoPango(), *sys.meta_path])
    with pytest.raises(RenderingUnavailable, match=re.escape("libpango-1.0-0")):
        render_pdf(doc)
