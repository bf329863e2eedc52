"""The monthly run: settle every signed contract of a month that has no statement for it yet.

Contracts are taken in batches; a batch costs the same number of queries whatever its size
(contracts, versions, account links, metrics, posts, events, then bulk inserts and one audit
entry per agency), and is written in one transaction. A contract the engine refuses (terms
that cannot be settled, missing data) is reported and skipped; it never stops the run.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from yunying.audit.actions import record
from yunying.contracts.choices import SETTLED_STATUSES
from yunying.contracts.models import Contract, ContractVersion
from yunying.contracts.terms import Terms, TermsError, parse_terms
from yunying.settlement.engine import Month, in_period
from yunying.tenancy.scoping import SYSTEM, Actor

from .actions import build_statement, compute
from .choices import StatementStatus
from .facts import load_facts, versions_in_force
from .models import Statement, StatementLine


@dataclass
class RunResult:
    """What a run did: statements written, contracts passed over, and failures with reasons."""

    settled: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)


def _candidates(month: Month) -> list[int]:
    """Ids of signed contracts with no live statement for the month (one query)."""
    settled = Statement.objects.filter(period=month.start, corrects__isnull=True).exclude(
        status=StatementStatus.SUPERSEDED
    )
    return list(
        Contract.objects.filter(status__in=SETTLED_STATUSES)
        .exclude(pk__in=settled.values("contract_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def run_month(
    month: Month,
    *,
    actor: Actor = SYSTEM,
    batch_size: int = 500,
    statement_date: dt.date | None = None,
) -> RunResult:
    """Settle the month for every signed contract that needs it. Running it twice adds nothing."""
    result = RunResult()
    ids = _candidates(month)
    for start in range(0, len(ids), batch_size):
        _run_batch(ids[start : start + batch_size], month, actor, statement_date, result)
    return result


def _run_batch(
    ids: list[int],
    month: Month,
    actor: Actor,
    statement_date: dt.date | None,
    result: RunResult,
) -> None:
    with transaction.atomic():
        contracts = list(
            Contract.objects.filter(pk__in=ids, status__in=SETTLED_STATUSES).only(
                "pk", "number", "agency_id", "client_id"
            )
        )
        versions = versions_in_force(ids, month)
        settleable: list[tuple[Contract, ContractVersion, Terms]] = []
        for contract in contracts:
            version = versions.get(contract.pk)
            if version is None:
                result.skipped += 1
                continue
            try:
                terms = parse_terms(version.terms)
            except TermsError as exc:
                result.failed.append((contract.number, str(exc)))
                continue
            if not in_period(terms, month):
                result.skipped += 1
                continue
            settleable.append((contract, version, terms))
        facts = load_facts([c.pk for c, _, _ in settleable], month)
        statements: list[Statement] = []
        lines: list[list[StatementLine]] = []
        day = statement_date or month.end
        for contract, version, terms in settleable:
            try:
                engine_result = compute(terms, month, facts[contract.pk], day)
            except ValidationError as exc:
                result.failed.append((contract.number, " ".join(exc.messages)))
                continue
            statement, statement_lines = build_statement(
                contract=contract,
                version=version,
                month=month,
                terms=terms,
                result=engine_result,
                statement_date=day,
                created_by=actor.user,
            )
            statements.append(statement)
            lines.append(statement_lines)
        Statement.objects.bulk_create(statements)
        for statement, statement_lines in zip(statements, lines, strict=True):
            for line in statement_lines:
                line.statement = statement
        StatementLine.objects.bulk_create([line for group in lines for line in group])
        by_agency: dict[int, list[Statement]] = defaultdict(list)
        for statement in statements:
            by_agency[statement.agency_id].append(statement)
        # One entry per agency and batch: the run is one act, and its entry lists what it wrote.
        for agency_id, written in sorted(by_agency.items()):
            record(
                actor=actor,
                action="statement.run",
                agency_id=agency_id,
                data={
                    "period": str(month),
                    "statements": [s.pk for s in written],
                    "contracts": [s.contract.number for s in written],
                },
            )
        result.settled += len(statements)
        result.statements.extend(s.pk for s in statements)
