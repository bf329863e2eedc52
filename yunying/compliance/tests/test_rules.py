"""Each rule's examples are tests: what must match does, at the rule's severity; near misses not."""

import pytest

from yunying.compliance.engine import rules
from yunying.compliance.engine.lexicon import builtin
from yunying.compliance.engine.names import check_name
from yunying.compliance.engine.scanner import scan
from yunying.compliance.engine.types import CATEGORIES, PLATFORMS, SEVERITIES

ALL = rules.all_rules()


def _first_platform(rule):
    return next(p for p in PLATFORMS if p in rule.platforms)


def _hits(rule, text):
    if rule.kind == "name":
        findings = check_name(text)
    else:
        findings = scan(text, platform=_first_platform(rule))
    return [f for f in findings if f.rule == rule.id and f.severity == rule.severity]


def _examples(attribute):
    return [
        pytest.param(rule, text, id=f"{rule.id}:{index}")
        for rule in ALL
        for index, text in enumerate(getattr(rule, attribute))
    ]


@pytest.mark.parametrize(("rule", "text"), _examples("must_match"))
def test_an_example_that_must_match_is_found_by_its_rule(rule, text):
    assert _hits(rule, text), f"{rule.id} missed its example {text!r}"


@pytest.mark.parametrize(("rule", "text"), _examples("must_not_match"))
def test_a_near_miss_example_is_not_found_by_its_rule(rule, text):
    assert not _hits(rule, text), f"{rule.id} wrongly matched {text!r}"


def test_every_rule_has_examples_both_ways_and_says_where_it_comes_from():
    for rule in ALL:
        assert rule.must_match, rule.id
        assert rule.must_not_match, rule.id
        assert rule.source, rule.id
        assert rule.explanation, rule.id
        assert rule.category in CATEGORIES, rule.id
        assert rule.severity in SEVERITIES, rule.id


def test_every_category_of_content_has_rules():
    covered = {rule.category for rule in ALL}
    assert covered == set(CATEGORIES)


def test_every_built_in_finding_names_the_version_of_the_lexicon_file_behind_it():
    lexicon = builtin()
    assert all("@" in version for version in lexicon.versions.values())
    assert lexicon.version.startswith("builtin-")
