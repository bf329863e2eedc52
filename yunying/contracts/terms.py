"""Contract terms as one validated document (format ``yunying.terms/1``).

Pure: imports nothing from Django, so the ``settle`` command can check a terms file by hand and
the settlement engine can be tested fast. The format is described in docs/terms-format.md; the
keys agreed in ../shared/examples/settlement keep their meaning.

Validation collects every problem at once and names each by its YAML path
(``kpis[2].cap``), so a user fixes a file in one pass. Messages are Chinese: they are shown to
agency staff as they are, in the UI and by the command.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from yunying.metrics import definitions as metric_defs

SCHEMA = "yunying.terms/1"


class ContractKind:
    """The contract kinds found in the seeds; machine names are part of the file format."""

    ACCOUNT_OPERATION = "account_operation"  # 账号代运营, monthly fixed fee (+ KPIs)
    VIDEO_PRODUCTION = "video_production"  # 短视频制作, per-video job with a delivery date
    LIVESTREAM_SESSION = "livestream_session"  # 直播代播, fee per session
    LIVESTREAM_COMMISSION = "livestream_commission"  # 坑位费 + 销售佣金
    STORE_PART_TIME = "store_part_time"  # 店铺兼职运营, hours per week, ROI target
    REGIONAL_OPERATOR = "regional_operator"  # 区域渠道运营商
    YEARLY_HOSTING = "yearly_hosting"  # 年度托管 with ad-revenue share

    LABELS: dict[str, str] = {
        ACCOUNT_OPERATION: "账号代运营",
        VIDEO_PRODUCTION: "短视频制作",
        LIVESTREAM_SESSION: "直播代播（按场次）",
        LIVESTREAM_COMMISSION: "直播坑位费加销售佣金",
        STORE_PART_TIME: "店铺兼职运营",
        REGIONAL_OPERATOR: "区域渠道运营",
        YEARLY_HOSTING: "年度托管及广告分成",
    }


PLATFORMS = frozenset({"douyin", "wechat_oa", "wechat_channels", "store", "livestream"})
# Standard clauses the document can carry besides those generated from the terms' sections.
CLAUSES: dict[str, str] = {
    "liability": "违约责任",
    "confidentiality": "保密",
    "force_majeure": "不可抗力",
    "content_compliance": "内容合规",
    "intellectual_property": "知识产权",
    "dispute": "争议解决",
}
ROUNDING = frozenset({"floor", "ceil"})
CLIENT_SILENCE = frozenset({"escalate", "deemed_approval"})


@dataclass(frozen=True)
class FieldError:
    """One problem of a terms document, at a YAML path."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '（根）'}：{self.message}"


class TermsError(ValueError):
    """Raised with every problem found; ``errors`` keeps them in document order."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Account:
    platform: str
    name: str


@dataclass(frozen=True)
class OneOffFee:
    """A single payment falling due a number of working days after signing."""

    label: str
    amount: Decimal
    due_working_days: int


@dataclass(frozen=True)
class Fees:
    fixed_monthly: Decimal | None = None
    per_item: dict[str, Decimal] = field(default_factory=dict)
    per_session: Decimal | None = None
    commission_percent: Decimal | None = None
    ad_revenue_share_percent: Decimal | None = None
    yearly: Decimal | None = None
    one_off: tuple[OneOffFee, ...] = ()
    contract_amount: Decimal | None = None
    prepayment_percent: Decimal | None = None


@dataclass(frozen=True)
class Quota:
    account: str
    kind: str
    per_month: int | None = None
    per_week: int | None = None
    min_likes: int = 0
    missing_item_deduction: Decimal | None = None


@dataclass(frozen=True)
class Kpi:
    id: str
    account: str
    metric: str
    target: Decimal | None
    performance_pay: Decimal
    cap: Decimal = Decimal(1)
    weight: Decimal = Decimal(1)


@dataclass(frozen=True)
class Tier:
    above: Decimal | None
    fixed_share: Decimal
    performance: bool


@dataclass(frozen=True)
class FollowerShortfall:
    account: str
    target: int
    block: int
    percent_of_fixed: Decimal
    rounding: str = "floor"


@dataclass(frozen=True)
class LateDelivery:
    percent_per_day: Decimal
    refund_after_days: int | None = None


@dataclass(frozen=True)
class LatePayment:
    percent_per_day: Decimal
    from_day: int


@dataclass(frozen=True)
class Penalties:
    late_delivery: LateDelivery | None = None
    late_payment: LatePayment | None = None
    late_checkin: Decimal | None = None

    def __bool__(self) -> bool:
        return any((self.late_delivery, self.late_payment, self.late_checkin is not None))


@dataclass(frozen=True)
class Windows:
    review_working_days: int | None = None
    max_revision_rounds: int | None = None
    report_day: int | None = None
    payment_day: int | None = None
    # What the client's silence past the review window means: "escalate" (the account manager
    # chases the client) or "deemed_approval" (the item counts as approved and is scheduled);
    # None when the contract does not say, like the other windows (the agency default applies).
    client_silence: str | None = None


@dataclass(frozen=True)
class Termination:
    agency_idle_days: int | None = None
    account_unusable_days: int | None = None
    client_silent_working_days: int | None = None


@dataclass(frozen=True)
class Terms:
    """One version of a contract's terms, validated."""

    id: str
    kind: str
    client: str
    agency: str
    period: Period
    accounts: dict[str, Account]
    fees: Fees
    signed_on: dt.date | None = None
    renewal_notice_days: int | None = None
    services: tuple[str, ...] = ()
    quotas: tuple[Quota, ...] = ()
    kpis: tuple[Kpi, ...] = ()
    tiers: tuple[Tier, ...] = ()
    follower_shortfall: tuple[FollowerShortfall, ...] = ()
    penalties: Penalties = Penalties()
    windows: Windows = Windows()
    termination: Termination = Termination()
    clauses: tuple[str, ...] = ()
    # The document as read (after validation), so export keeps the user's key order and comments
    # are the only thing lost.
    data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def kind_label(self) -> str:
        return ContractKind.LABELS.get(self.kind, self.kind)


# -- reading ----------------------------------------------------------------------------------


class _Reader:
    """Walks the raw document, converting values and collecting errors by path."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def mapping(
        self, data: Any, path: str, allowed: set[str], required: Set[str] = frozenset()
    ) -> dict[str, Any]:
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            self.error(path, "应为键值对（映射）")
            return {}
        out = {str(k): v for k, v in data.items()}
        for key in out:
            if key not in allowed:
                self.error(_join(path, key), f"未知字段“{key}”")
        for key in sorted(required):
            if out.get(key) is None:
                self.error(_join(path, key), "必填")
        return out

    def sequence(self, data: Any, path: str) -> list[Any]:
        if data is None:
            return []
        if not isinstance(data, list):
            self.error(path, "应为列表")
            return []
        return data

    def text(self, data: Any, path: str, *, required: bool = True) -> str:
        if data is None:
            if required:
                self.error(path, "必填")
            return ""
        if isinstance(data, (dict, list)):
            self.error(path, "应为文字")
            return ""
        value = str(data).strip()
        if required and not value:
            self.error(path, "不能为空")
        return value

    def decimal(self, data: Any, path: str) -> Decimal | None:
        if data is None:
            return None
        if isinstance(data, (bool, dict, list)):
            self.error(path, "应为数字")
            return None
        try:
            value = Decimal(str(data).strip())
        except InvalidOperation:
            self.error(path, f"不是数字：“{data}”")
            return None
        if not value.is_finite():
            self.error(path, "应为有限的数字")
            return None
        return value

    def money(self, data: Any, path: str) -> Decimal | None:
        value = self.decimal(data, path)
        if value is None:
            return None
        if value < 0:
            self.error(path, f"金额不能为负数（{data}）")
            return None
        if value != value.quantize(Decimal("0.01")):
            self.error(path, f"金额最多两位小数（{data}）")
            return None
        return value.quantize(Decimal("0.01"))

    def percent(self, data: Any, path: str) -> Decimal | None:
        value = self.decimal(data, path)
        if value is None:
            return None
        if value < 0 or value > 100:
            self.error(path, f"百分比应在 0 到 100 之间（{data}）")
            return None
        return value

    def share(self, data: Any, path: str) -> Decimal | None:
        value = self.decimal(data, path)
        if value is None:
            return None
        if value < 0 or value > 1:
            self.error(path, f"比例应在 0 到 1 之间（{data}）")
            return None
        return value

    def integer(
        self, data: Any, path: str, *, minimum: int = 0, maximum: int | None = None
    ) -> int | None:
        if data is None:
            return None
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.error(path, "应为整数")
            return None
        try:
            value = int(str(data).strip())
        except ValueError:
            self.error(path, f"应为整数：“{data}”")
            return None
        if value < minimum or (maximum is not None and value > maximum):
            bound = f"{minimum} 到 {maximum}" if maximum is not None else f"不小于 {minimum}"
            self.error(path, f"应为{bound}的整数（{data}）")
            return None
        return value

    def date(self, data: Any, path: str) -> dt.date | None:
        if data is None:
            return None
        if isinstance(data, dt.datetime):
            return data.date()
        if isinstance(data, dt.date):
            return data
        try:
            return dt.date.fromisoformat(str(data).strip())
        except ValueError:
            self.error(path, f"日期格式应为 YYYY-MM-DD：“{data}”")
            return None

    def boolean(self, data: Any, path: str, default: bool) -> bool:
        if data is None:
            return default
        if not isinstance(data, bool):
            self.error(path, "应为 true 或 false")
            return default
        return data


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


TOP_KEYS = {
    "schema",
    "id",
    "kind",
    "client",
    "agency",
    "signed_on",
    "period",
    "renewal",
    "accounts",
    "services",
    "fees",
    "quotas",
    "kpis",
    "settlement",
    "deductions",
    "penalties",
    "windows",
    "termination",
    "clauses",
}


def parse_terms(data: Any) -> Terms:
    """Validate a terms document (as loaded from YAML or JSON) and return its typed form."""
    r = _Reader()
    top = r.mapping(data, "", TOP_KEYS, {"schema", "id", "kind", "client", "agency", "period"})
    if top.get("schema") is not None and top["schema"] != SCHEMA:
        r.error("schema", f"不支持的格式版本“{top['schema']}”，应为 {SCHEMA}")
    kind = r.text(top.get("kind"), "kind") if "kind" in top else ""
    if kind and kind not in ContractKind.LABELS:
        r.error("kind", f"未知的合同类型“{kind}”，可选：{', '.join(ContractKind.LABELS)}")

    period = _period(r, top.get("period"))
    accounts = _accounts(r, top.get("accounts"))
    fees = _fees(r, top.get("fees"))
    quotas = _quotas(r, top.get("quotas"), accounts)
    kpis = _kpis(r, top.get("kpis"), accounts)
    settlement = r.mapping(top.get("settlement"), "settlement", {"tiers"})
    tiers = _tiers(r, settlement.get("tiers"))
    deductions = r.mapping(top.get("deductions"), "deductions", {"follower_shortfall"})
    shortfall = _shortfall(r, deductions.get("follower_shortfall"), accounts)
    if shortfall and fees.fixed_monthly is None:
        r.error("deductions.follower_shortfall", "按固定月费比例扣款，但 fees.fixed_monthly 未填写")
    renewal = r.mapping(top.get("renewal"), "renewal", {"notice_days"})
    services = tuple(
        r.text(item, _join("services", i))
        for i, item in enumerate(r.sequence(top.get("services"), "services"))
    )
    clauses = tuple(
        r.text(item, _join("clauses", i))
        for i, item in enumerate(r.sequence(top.get("clauses"), "clauses"))
    )
    for i, code in enumerate(clauses):
        if code and code not in CLAUSES:
            r.error(_join("clauses", i), f"未知条款“{code}”，可选：{', '.join(CLAUSES)}")

    terms = Terms(
        id=r.text(top.get("id"), "id") if "id" in top else "",
        kind=kind,
        client=r.text(top.get("client"), "client") if "client" in top else "",
        agency=r.text(top.get("agency"), "agency") if "agency" in top else "",
        signed_on=r.date(top.get("signed_on"), "signed_on"),
        period=period,
        renewal_notice_days=r.integer(renewal.get("notice_days"), "renewal.notice_days"),
        accounts=accounts,
        services=services,
        fees=fees,
        quotas=quotas,
        kpis=kpis,
        tiers=tiers,
        follower_shortfall=shortfall,
        penalties=_penalties(r, top.get("penalties")),
        windows=_windows(r, top.get("windows")),
        termination=_termination(r, top.get("termination")),
        clauses=clauses,
        data=_plain(dict(top)) if isinstance(data, Mapping) else {},
    )
    if r.errors:
        raise TermsError(r.errors)
    return terms


def _period(r: _Reader, data: Any) -> Period:
    raw = r.mapping(data, "period", {"start", "end"}, {"start", "end"})
    start = r.date(raw.get("start"), "period.start")
    end = r.date(raw.get("end"), "period.end")
    if start and end and end < start:
        r.error("period.end", f"结束日期 {end} 早于开始日期 {start}")
    return Period(start or dt.date.min, end or dt.date.min)


def _accounts(r: _Reader, data: Any) -> dict[str, Account]:
    accounts: dict[str, Account] = {}
    if data is not None and not isinstance(data, Mapping):
        r.error("accounts", "应为“账号代号: {platform, name}”的映射")
        return accounts
    for key, value in (data or {}).items():
        path = _join("accounts", str(key))
        item = r.mapping(value, path, {"platform", "name"}, {"platform", "name"})
        platform = r.text(item.get("platform"), _join(path, "platform")) if item else ""
        if platform and platform not in PLATFORMS:
            r.error(
                _join(path, "platform"),
                f"未知平台“{platform}”，可选：{', '.join(sorted(PLATFORMS))}",
            )
        name = r.text(item.get("name"), _join(path, "name")) if item else ""
        accounts[str(key)] = Account(platform, name)
    return accounts


def _account_ref(r: _Reader, value: Any, path: str, accounts: dict[str, Account]) -> str:
    key = r.text(value, path)
    if key and key not in accounts:
        known = ", ".join(accounts) or "（无）"
        r.error(path, f"账号“{key}”未在 accounts 中定义（已定义：{known}）")
    return key


FEE_KEYS = {
    "fixed_monthly",
    "per_item",
    "per_session",
    "commission_percent",
    "ad_revenue_share_percent",
    "yearly",
    "one_off",
    "contract_amount",
    "prepayment_percent",
}


def _fees(r: _Reader, data: Any) -> Fees:
    raw = r.mapping(data, "fees", FEE_KEYS)
    per_item: dict[str, Decimal] = {}
    items = raw.get("per_item")
    if items is not None:
        if not isinstance(items, Mapping):
            r.error("fees.per_item", '应为“类别: 单价”的映射，例如 video: "800.00"')
        else:
            for kind, amount in items.items():
                value = r.money(amount, _join("fees.per_item", str(kind)))
                if value is not None:
                    per_item[str(kind)] = value
    one_off: list[OneOffFee] = []
    for i, item in enumerate(r.sequence(raw.get("one_off"), "fees.one_off")):
        path = _join("fees.one_off", i)
        o = r.mapping(item, path, {"label", "amount", "due_working_days"}, {"label", "amount"})
        amount = r.money(o.get("amount"), _join(path, "amount"))
        days = r.integer(o.get("due_working_days", 0), _join(path, "due_working_days"))
        one_off.append(
            OneOffFee(r.text(o.get("label"), _join(path, "label")), amount or Decimal(0), days or 0)
        )
    prepayment = r.percent(raw.get("prepayment_percent"), "fees.prepayment_percent")
    contract_amount = r.money(raw.get("contract_amount"), "fees.contract_amount")
    if prepayment is not None and contract_amount is None:
        r.error("fees.contract_amount", "填写了预付比例，需同时填写合同总额")
    return Fees(
        fixed_monthly=r.money(raw.get("fixed_monthly"), "fees.fixed_monthly"),
        per_item=per_item,
        per_session=r.money(raw.get("per_session"), "fees.per_session"),
        commission_percent=r.percent(raw.get("commission_percent"), "fees.commission_percent"),
        ad_revenue_share_percent=r.percent(
            raw.get("ad_revenue_share_percent"), "fees.ad_revenue_share_percent"
        ),
        yearly=r.money(raw.get("yearly"), "fees.yearly"),
        one_off=tuple(one_off),
        contract_amount=contract_amount,
        prepayment_percent=prepayment,
    )


def _quotas(r: _Reader, data: Any, accounts: dict[str, Account]) -> tuple[Quota, ...]:
    quotas = []
    keys = {"account", "kind", "per_month", "per_week", "min_likes", "missing_item_deduction"}
    for i, item in enumerate(r.sequence(data, "quotas")):
        path = _join("quotas", i)
        q = r.mapping(item, path, keys, {"account", "kind"})
        per_month = r.integer(q.get("per_month"), _join(path, "per_month"), minimum=1)
        per_week = r.integer(q.get("per_week"), _join(path, "per_week"), minimum=1)
        if (
            q
            and per_month is None
            and per_week is None
            and "per_month" not in q
            and "per_week" not in q
        ):
            r.error(_join(path, "per_month"), "每月或每周数量至少填写一项")
        quotas.append(
            Quota(
                account=_account_ref(r, q.get("account"), _join(path, "account"), accounts),
                kind=r.text(q.get("kind"), _join(path, "kind")),
                per_month=per_month,
                per_week=per_week,
                min_likes=r.integer(q.get("min_likes", 0), _join(path, "min_likes")) or 0,
                missing_item_deduction=r.money(
                    q.get("missing_item_deduction"), _join(path, "missing_item_deduction")
                ),
            )
        )
    return tuple(quotas)


def _kpis(r: _Reader, data: Any, accounts: dict[str, Account]) -> tuple[Kpi, ...]:
    kpis = []
    seen: dict[str, int] = {}
    keys = {"id", "account", "metric", "target", "performance_pay", "cap", "weight"}
    for i, item in enumerate(r.sequence(data, "kpis")):
        path = _join("kpis", i)
        k = r.mapping(item, path, keys, {"id", "account", "metric", "performance_pay"})
        kpi_id = r.text(k.get("id"), _join(path, "id"))
        if kpi_id in seen:
            r.error(_join(path, "id"), f"与 kpis[{seen[kpi_id]}] 的编号“{kpi_id}”重复")
        seen.setdefault(kpi_id, i)
        metric = r.text(k.get("metric"), _join(path, "metric"))
        if metric and metric not in metric_defs.ALL:
            r.error(
                _join(path, "metric"),
                f"未知指标“{metric}”，可选：{', '.join(sorted(metric_defs.ALL))}",
            )
        target = r.decimal(k.get("target"), _join(path, "target"))
        if target is not None and target <= 0:
            r.error(_join(path, "target"), f"目标值应大于 0（{k.get('target')}）")
        cap = r.decimal(k.get("cap", 1), _join(path, "cap"))
        if cap is not None and cap < 1:
            r.error(_join(path, "cap"), f"上限不能小于 1（{k.get('cap')}）")
        weight = r.decimal(k.get("weight", 1), _join(path, "weight"))
        if weight is not None and weight <= 0:
            r.error(_join(path, "weight"), f"权重应大于 0（{k.get('weight')}）")
        kpis.append(
            Kpi(
                id=kpi_id,
                account=_account_ref(r, k.get("account"), _join(path, "account"), accounts),
                metric=metric,
                target=target,
                performance_pay=r.money(k.get("performance_pay"), _join(path, "performance_pay"))
                or Decimal(0),
                cap=cap if cap is not None else Decimal(1),
                weight=weight if weight is not None else Decimal(1),
            )
        )
    return tuple(kpis)


def _tiers(r: _Reader, data: Any) -> tuple[Tier, ...]:
    tiers: list[Tier] = []
    raw = r.sequence(data, "settlement.tiers")
    for i, item in enumerate(raw):
        path = _join("settlement.tiers", i)
        t = r.mapping(item, path, {"above", "fixed_share", "performance"}, {"fixed_share"})
        above = r.decimal(t.get("above"), _join(path, "above"))
        last = i == len(raw) - 1
        if last and above is not None:
            r.error(_join(path, "above"), "最后一档不设门槛（其余情况都落入最后一档）")
        if not last and above is None and "above" not in t:
            r.error(_join(path, "above"), "除最后一档外，每档都要有门槛 above")
        share = r.share(t.get("fixed_share"), _join(path, "fixed_share"))
        tier = Tier(
            above,
            share if share is not None else Decimal(0),
            r.boolean(t.get("performance"), _join(path, "performance"), False),
        )
        if tiers:
            prev = tiers[-1]
            if above is not None and prev.above is not None and above >= prev.above:
                r.error(
                    _join(path, "above"),
                    f"档位顺序错误：门槛 {above} 应低于上一档的 {prev.above}（从高到低排列）",
                )
            if share is not None and share > prev.fixed_share:
                r.error(
                    _join(path, "fixed_share"),
                    f"档位顺序错误：低档的固定费比例 {share} 高于上一档的 {prev.fixed_share}",
                )
            if tier.performance and not prev.performance:
                r.error(_join(path, "performance"), "档位顺序错误：低档支付绩效而上一档不支付")
        tiers.append(tier)
    return tuple(tiers)


def _shortfall(
    r: _Reader, data: Any, accounts: dict[str, Account]
) -> tuple[FollowerShortfall, ...]:
    out = []
    keys = {"account", "target", "block", "percent_of_fixed", "rounding"}
    for i, item in enumerate(r.sequence(data, "deductions.follower_shortfall")):
        path = _join("deductions.follower_shortfall", i)
        s = r.mapping(item, path, keys, {"account", "target", "block", "percent_of_fixed"})
        rounding = r.text(s.get("rounding", "floor"), _join(path, "rounding"))
        if rounding and rounding not in ROUNDING:
            r.error(
                _join(path, "rounding"),
                f"取整方式应为 floor（向下）或 ceil（向上），而不是“{rounding}”",
            )
        out.append(
            FollowerShortfall(
                account=_account_ref(r, s.get("account"), _join(path, "account"), accounts),
                target=r.integer(s.get("target"), _join(path, "target"), minimum=1) or 0,
                block=r.integer(s.get("block"), _join(path, "block"), minimum=1) or 1,
                percent_of_fixed=r.percent(
                    s.get("percent_of_fixed"), _join(path, "percent_of_fixed")
                )
                or Decimal(0),
                rounding=rounding or "floor",
            )
        )
    return tuple(out)


def _penalties(r: _Reader, data: Any) -> Penalties:
    raw = r.mapping(data, "penalties", {"late_delivery", "late_payment", "late_checkin"})
    late_delivery = None
    if raw.get("late_delivery") is not None:
        path = "penalties.late_delivery"
        d = r.mapping(
            raw["late_delivery"],
            path,
            {"percent_per_day", "refund_after_days"},
            {"percent_per_day"},
        )
        late_delivery = LateDelivery(
            r.percent(d.get("percent_per_day"), _join(path, "percent_per_day")) or Decimal(0),
            r.integer(d.get("refund_after_days"), _join(path, "refund_after_days"), minimum=1),
        )
    late_payment = None
    if raw.get("late_payment") is not None:
        path = "penalties.late_payment"
        p = r.mapping(
            raw["late_payment"],
            path,
            {"percent_per_day", "from_day"},
            {"percent_per_day", "from_day"},
        )
        late_payment = LatePayment(
            r.percent(p.get("percent_per_day"), _join(path, "percent_per_day")) or Decimal(0),
            r.integer(p.get("from_day"), _join(path, "from_day"), minimum=1) or 1,
        )
    checkin = None
    if raw.get("late_checkin") is not None:
        c = r.mapping(raw["late_checkin"], "penalties.late_checkin", {"amount"}, {"amount"})
        checkin = r.money(c.get("amount"), "penalties.late_checkin.amount")
    return Penalties(late_delivery, late_payment, checkin)


def _windows(r: _Reader, data: Any) -> Windows:
    raw = r.mapping(
        data,
        "windows",
        {
            "review_working_days",
            "max_revision_rounds",
            "report_day",
            "payment_day",
            "client_silence",
        },
    )
    silence = (
        r.text(raw["client_silence"], "windows.client_silence") if "client_silence" in raw else ""
    )
    if silence and silence not in CLIENT_SILENCE:
        r.error(
            "windows.client_silence",
            f"客户逾期未答复的处理应为 escalate（提醒客户经理）或 deemed_approval（视为通过），"
            f"而不是“{silence}”",
        )
    return Windows(
        client_silence=silence or None,
        review_working_days=r.integer(
            raw.get("review_working_days"), "windows.review_working_days", minimum=1
        ),
        max_revision_rounds=r.integer(
            raw.get("max_revision_rounds"), "windows.max_revision_rounds", minimum=1
        ),
        report_day=r.integer(raw.get("report_day"), "windows.report_day", minimum=1, maximum=28),
        payment_day=r.integer(raw.get("payment_day"), "windows.payment_day", minimum=1, maximum=28),
    )


def _termination(r: _Reader, data: Any) -> Termination:
    keys = {"agency_idle_days", "account_unusable_days", "client_silent_working_days"}
    raw = r.mapping(data, "termination", keys)
    return Termination(
        **{key: r.integer(raw.get(key), _join("termination", key), minimum=1) for key in keys}
    )


def _plain(value: Any) -> Any:
    """The document with dates as ISO strings, so it can be stored as JSON."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, Decimal):
        return str(value)
    return value


# -- YAML -------------------------------------------------------------------------------------


def load_yaml(text: str) -> Terms:
    """Parse and validate a terms YAML file; syntax errors are reported with their line."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"（第 {mark.line + 1} 行）" if mark is not None else ""
        raise TermsError(
            [FieldError("", f"YAML 格式错误{where}：{getattr(exc, 'problem', exc)}")]
        ) from None
    return parse_terms(data)


def dump_yaml(terms: Terms | Mapping[str, Any]) -> str:
    """The terms as YAML, keys in the order they were written, Chinese kept readable."""
    data = terms.data if isinstance(terms, Terms) else terms
    return yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, width=100)


# -- dates the terms imply ------------------------------------------------------------------


AddWorkingDays = Callable[[dt.date, int], dt.date]


def one_off_due_dates(
    terms: Terms, add_working_days: AddWorkingDays
) -> list[tuple[OneOffFee, dt.date]]:
    """When each one-off fee falls due: signing date plus its working days. Empty if unsigned."""
    if terms.signed_on is None:
        return []
    return [
        (fee, add_working_days(terms.signed_on, fee.due_working_days)) for fee in terms.fees.one_off
    ]
