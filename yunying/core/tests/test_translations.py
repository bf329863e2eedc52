"""The zh-hans catalog is complete, compiled and current, and the pages really speak Chinese.

The catalog lives in ``yunying/locale/zh_Hans/LC_MESSAGES``. After adding or changing a
translatable string, regenerate and translate it, then compile (the .mo file is committed)::

    yunying makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=test-artifacts \\
        --ignore='*/tests/*' --no-obsolete
    # translate the new entries in django.po (no empty msgstr, no "#, fuzzy")
    yunying compilemessages --ignore=.venv
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

import yunying

PACKAGE_DIR = Path(yunying.__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
LC_MESSAGES = PACKAGE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# The same options as the documented makemessages command above.
IGNORE_PATTERNS = [".venv", "var", "test-artifacts", "*/tests/*"]
# What makemessages reads by default (``-e html,txt,py``).
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
# Never copied: large or irrelevant trees, and every existing catalog (the fresh one starts empty).
SKIPPED_DIRS = {".venv", "var", "test-artifacts", "__pycache__", "node_modules", "locale"}

PRINTF = re.compile(
    r"%(?:\((?P<name>\w+)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<conv>[diouxXeEfFgGcrsa%])"
)
BRACE = re.compile(r"\{(?P<field>[^{}!:]*)(?:![rsa])?(?::[^{}]*)?\}")


@pytest.fixture(scope="module")
def catalog() -> polib.POFile:
    assert PO_PATH.is_file(), f"{PO_PATH} is missing: run makemessages (see module docstring)"
    return polib.pofile(str(PO_PATH))


def _live(po: polib.POFile | polib.MOFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def _show(keys: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f"  {msgid!r}" + (f" (context {ctx!r})" if ctx else "") for ctx, msgid in keys)


# --- complete -----------------------------------------------------------------------------------


def test_catalog_is_chinese_with_one_plural_form(catalog: polib.POFile) -> None:
    assert catalog.metadata.get("Language") == "zh_Hans"
    assert catalog.metadata.get("Plural-Forms", "").replace(" ", "").startswith("nplurals=1;")
    assert not catalog.metadata_is_fuzzy, "the header is marked fuzzy"
    assert len(_live(catalog)) > 100, "the catalog is suspiciously small"


def test_every_entry_is_translated_and_none_is_fuzzy(catalog: polib.POFile) -> None:
    problems = []
    for entry in _live(catalog):
        if entry.fuzzy:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            if set(forms) != {0}:
                problems.append(f"needs exactly one plural form (msgstr[0]): {entry.msgid!r}")
            if not all(str(text).strip() for text in forms.values()):
                problems.append(f"empty plural form: {entry.msgid!r}")
        elif not entry.msgstr.strip():
            problems.append(f"untranslated: {entry.msgid!r}")
    assert not problems, "zh_Hans catalog is incomplete:\n" + "\n".join(problems)


def test_placeholders_of_each_translation_match_its_msgid(catalog: polib.POFile) -> None:
    def placeholders(text: str, entry: polib.POEntry) -> set[str]:
        found = set()
        if "python-format" in entry.flags or "%(" in entry.msgid:
            for m in PRINTF.finditer(text):
                if m["conv"] != "%":
                    found.add(f"%({m['name'] or ''}){m['conv']}")
        if "python-brace-format" in entry.flags:
            found |= {"{" + m["field"] + "}" for m in BRACE.finditer(text)}
        return found

    problems = []
    for entry in _live(catalog):
        expected = placeholders(entry.msgid, entry) | placeholders(entry.msgid_plural or "", entry)
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            got = placeholders(str(text), entry)
            if text and got != expected:
                problems.append(
                    f"{entry.msgid!r}: msgid has {sorted(expected)}, translation has {sorted(got)}"
                )
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


# --- compiled -----------------------------------------------------------------------------------


def test_compiled_mo_matches_the_po(catalog: polib.POFile) -> None:
    assert MO_PATH.is_file(), f"{MO_PATH} is missing: run compilemessages"
    mo = polib.mofile(str(MO_PATH))

    def mapping(entries: Iterable[polib.POEntry | polib.MOEntry]) -> dict[tuple[str, str], object]:
        return {
            _key(e): tuple(sorted(e.msgstr_plural.items())) if e.msgid_plural else e.msgstr
            for e in entries
            if e.msgid
        }

    # msgfmt leaves out fuzzy and untranslated entries (the completeness test reports those).
    from_po = mapping(e for e in _live(catalog) if e.translated())
    from_mo = mapping(mo)
    missing = sorted(from_po.keys() - from_mo.keys())
    extra = sorted(from_mo.keys() - from_po.keys())
    stale = sorted(k for k in from_po.keys() & from_mo.keys() if from_po[k] != from_mo[k])
    problems = []
    if missing:
        problems.append("django.mo lacks translations of django.po:\n" + _show(missing))
    if extra:
        problems.append("django.mo has entries django.po does not translate:\n" + _show(extra))
    if stale:
        problems.append("django.mo has other translations than django.po:\n" + _show(stale))
    assert not problems, "\n".join(problems) + "\nRun: yunying compilemessages --ignore=.venv"
    assert mo.metadata.get("Plural-Forms", "").replace(" ", "").startswith("nplurals=1;")


# --- current ------------------------------------------------------------------------------------


def _copy_sources(target: Path) -> None:
    """Copy what makemessages reads, at the same relative paths, without any catalog.

    makemessages cannot run on the project itself without touching it: while walking it adopts
    every ``locale`` directory it meets (so it would write ``yunying/locale``), and it writes a
    temporary ``<template>.py`` beside each template. The copy keeps all of that in ``target``.
    """
    for source in PROJECT_DIR.rglob("*"):
        relative = source.relative_to(PROJECT_DIR)
        parts = relative.parts[:-1]
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in parts):
            continue
        if source.suffix in SOURCE_SUFFIXES and source.is_file():
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)


def _snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in directory.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="module")
def fresh_catalog(tmp_path_factory: pytest.TempPathFactory) -> polib.POFile:
    """The catalog makemessages extracts from today's sources, built in a temporary copy."""
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        pytest.fail("GNU gettext (xgettext, msgmerge) is needed to check the catalog is current")
    root = tmp_path_factory.mktemp("makemessages")
    _copy_sources(root)
    locale_dir = root / "yunying" / "locale"
    real_locale = PACKAGE_DIR / "locale"
    before = _snapshot(real_locale)
    with override_settings(LOCALE_PATHS=[locale_dir]), contextlib.chdir(root):
        call_command(
            "makemessages",
            locale=["zh_Hans"],
            ignore_patterns=IGNORE_PATTERNS,
            no_obsolete=True,
            verbosity=0,
        )
    assert _snapshot(real_locale) == before, "makemessages touched the real yunying/locale"
    fresh = locale_dir / "zh_Hans" / "LC_MESSAGES" / "django.po"
    assert fresh.is_file(), "makemessages wrote no catalog into the temporary copy"
    return polib.pofile(str(fresh))


def test_catalog_is_current_with_the_source(
    catalog: polib.POFile, fresh_catalog: polib.POFile
) -> None:
    committed = {_key(e) for e in _live(catalog)}
    extracted = {_key(e) for e in _live(fresh_catalog)}
    new = sorted(extracted - committed)
    gone = sorted(committed - extracted)
    message = []
    if new:
        message.append(
            "Strings in the source that django.po lacks (translate them):\n" + _show(new)
        )
    if gone:
        message.append("Entries of django.po no longer in the source:\n" + _show(gone))
    assert not message, (
        "\n".join(message) + "\nRegenerate the catalog: see yunying/core/tests/test_translations.py"
    )
    plural = {_key(e): e.msgid_plural for e in _live(catalog)}
    changed = [e.msgid for e in _live(fresh_catalog) if plural[_key(e)] != e.msgid_plural]
    assert not changed, f"plural forms changed in the source: {changed}"


# --- used ---------------------------------------------------------------------------------------


def test_gettext_finds_the_catalog() -> None:
    with translation.override("zh-hans"):
        assert translation.gettext("Audit log") == "审计日志"
        assert translation.gettext("Client reviewer") == "甲方审核人"
        sentence = translation.ngettext(
            "Imported the holiday calendar of %(years)s.",
            "Imported the holiday calendars of %(years)s.",
            2,
        ) % {"years": "2026, 2027"}
        assert sentence == "已导入 2026, 2027 年的节假日日历。"


def test_login_page_renders_in_chinese_by_default_and_english_on_request() -> None:
    zh = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 200
    page = zh.content.decode()
    assert '<html lang="zh-hans">' in page
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None
    assert title.group(1).strip().startswith("登录")
    assert "新媒体代运营服务商" in page
    assert "Log in" not in page
    assert "Operations platform for managed social-media agencies" not in page

    default = Client().get(reverse("login"))  # no Accept-Language: LANGUAGE_CODE applies
    assert "<title>登录" in default.content.decode()

    en = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Log in" in en.content.decode()
    assert "登录" not in en.content.decode()
