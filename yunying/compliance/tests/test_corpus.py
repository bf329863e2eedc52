"""The labelled corpus meets the issue's aims: recall on disguised violations and clean texts."""

import pytest

from yunying.compliance.engine.corpus import evaluate, load
from yunying.compliance.engine.obfuscate import METHODS, variants
from yunying.compliance.engine.scanner import scan
from yunying.compliance.engine.types import CATEGORIES


@pytest.fixture(scope="module")
def report():
    return evaluate(scan)


def test_the_corpus_covers_every_content_category_and_many_industries():
    covered = {entry["category"] for entry in load("violations")}
    assert covered == set(CATEGORIES) - {"account_name"}
    assert len({entry["industry"] for entry in load("clean")}) >= 15


def test_recall_on_disguised_violations_is_at_least_95_percent_in_every_category(report):
    for category, (found, total) in report.disguised.items():
        assert found / total >= 0.95, (category, report.render())
    assert report.recall(report.plain) == 1.0, report.render()


def test_fewer_than_1_percent_of_clean_texts_get_a_blocking_finding(report):
    assert report.false_positive_rate < 0.01, report.render()


def test_disguises_are_repeatable_and_actually_change_the_text():
    text = "专业刷粉，加 weixin ABC 13812345678"
    first, second = variants(text, seed=7), variants(text, seed=7)
    assert first == second
    assert [name for name, _ in first] == list(METHODS)
    assert all(disguised != text for _, disguised in first)
