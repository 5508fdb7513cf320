"""The English catalog: complete, placeholder-safe, compiled, and used by Django.

Chinese is the source language (the msgids are Chinese); English comes from
``locale/en/LC_MESSAGES/django.po`` and its compiled ``django.mo``.
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


def _unquote(text: str, where: int) -> str:
    text = text.strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"django.po:{where}: expected a quoted string, got {text!r}")
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        if body[i] == "\\":
            out.append(_ESCAPES[body[i + 1]])
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: comments/flags, msgctxt, msgid, msgid_plural, msgstr and msgstr[n]."""
    entries: list[Entry] = []
    current: Entry | None = None
    key: tuple[str, int] | None = None
    seen_string = False

    def finish() -> None:
        nonlocal current, key, seen_string
        if current is not None and seen_string:
            entries.append(current)
        current, key, seen_string = None, None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):  # obsolete entry: not part of the catalog
            continue
        if current is None:
            current = Entry(line=number)
        if line.startswith("#,"):
            current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if match:
            if match.group(1) in ("msgctxt", "msgid") and seen_string and key and key[0].startswith("msgstr"):
                # a new entry without a blank line in between
                finish()
                current = Entry(line=number)
            name, index, value = match.group(1), int(match.group(2) or 0), _unquote(match.group(3), number)
            key = (name, index)
            seen_string = True
        elif line.startswith('"') and key is not None:
            value = _unquote(line, number)
            name, index = key
        else:
            raise ValueError(f"django.po:{number}: cannot parse {raw!r}")
        if name == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + value
        elif name == "msgid":
            current.msgid += value
        elif name == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + value
        else:
            current.msgstr[index] = current.msgstr.get(index, "") + value
    finish()
    return entries


CATALOG = parse_po(PO_PATH)
HEADER = [e for e in CATALOG if e.msgid == "" and e.msgctxt is None]
MESSAGES = [e for e in CATALOG if e.msgid != "" or e.msgctxt is not None]

_NAMED = re.compile(r"%\((\w+)\)[#0 +\-]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")
_POSITIONAL = re.compile(r"%[#0 +\-]*\d*(?:\.\d+)?[sd]")
_BRACES = re.compile(r"\{\w*\}")


def placeholders(text: str) -> tuple[Counter[str], list[str], Counter[str]]:
    named = Counter(m.group(0) for m in _NAMED.finditer(text))
    rest = _NAMED.sub("", text).replace("%%", "")
    positional = _POSITIONAL.findall(rest)
    braces = Counter(_BRACES.findall(text))
    return named, positional, braces


def test_catalog_parses_with_many_entries() -> None:
    assert len(HEADER) == 1, "the catalog should have exactly one header entry"
    assert len(MESSAGES) > 100
    keys = [(e.msgctxt, e.msgid) for e in MESSAGES]
    assert len(keys) == len(set(keys)), "duplicate msgids in django.po"


def test_header_declares_english_utf8_and_plural_forms() -> None:
    header = HEADER[0].msgstr.get(0, "")
    assert "Content-Type: text/plain; charset=UTF-8" in header
    assert "Language: en" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header


def test_no_fuzzy_entries() -> None:
    fuzzy = [e.label for e in CATALOG if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"


def test_every_entry_is_translated() -> None:
    missing = []
    for e in MESSAGES:
        wanted = [0, 1] if e.msgid_plural is not None else [0]
        if any(not e.msgstr.get(i, "").strip() for i in wanted):
            missing.append(e.label)
    assert not missing, f"untranslated entries: {missing}"


def _edges(text: str) -> tuple[str, str]:
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]


def test_whitespace_at_the_edges_is_kept() -> None:
    bad = []
    for e in MESSAGES:
        for text in e.msgstr.values():
            if _edges(e.msgid) != _edges(text):
                bad.append(e.label)
    assert not bad, f"leading/trailing whitespace differs: {bad}"


def test_placeholders_match_the_msgid() -> None:
    bad = []
    for e in MESSAGES:
        expected = placeholders(e.msgid)
        expected_plural = placeholders(e.msgid_plural) if e.msgid_plural is not None else expected
        for index, text in e.msgstr.items():
            got = placeholders(text)
            want = expected if index == 0 else expected_plural
            # Named and brace placeholders: the same set; positional ones: the same sequence.
            if set(got[0]) != set(want[0]) or got[1] != want[1] or set(got[2]) != set(want[2]):
                bad.append(f"{e.label} msgstr[{index}]={text!r}")
        if "python-format" in e.flags:
            for index, text in e.msgstr.items():
                if text.count("%%") != e.msgid.count("%%"):
                    bad.append(f"{e.label} msgstr[{index}]: literal %% differs")
    assert not bad, "placeholder mismatches:\n" + "\n".join(bad)


def test_compiled_mo_matches_the_po() -> None:
    assert MO_PATH.exists(), "run: python manage.py compilemessages -l en"
    with MO_PATH.open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    stale = []
    for e in MESSAGES:
        if e.msgid_plural is not None:
            for n, index in ((1, 0), (2, 1)):
                if e.msgctxt is not None:
                    got = mo.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
                else:
                    got = mo.ngettext(e.msgid, e.msgid_plural, n)
                if got != e.msgstr[index]:
                    stale.append(f"{e.label} (n={n}): .mo has {got!r}")
        else:
            got = mo.pgettext(e.msgctxt, e.msgid) if e.msgctxt is not None else mo.gettext(e.msgid)
            if got != e.msgstr[0]:
                stale.append(f"{e.label}: .mo has {got!r}")
    assert not stale, "django.mo is out of date; run compilemessages -l en:\n" + "\n".join(stale)


def _po_translation(msgid: str) -> Entry:
    for e in MESSAGES:
        if e.msgid == msgid and e.msgctxt is None:
            return e
    pytest.skip(f"{msgid!r} is no longer in the catalog")


@pytest.mark.parametrize("msgid", ["工作台", "长辈模式", "请输入用户名。", "网格员"])
def test_django_switches_between_english_and_chinese(msgid: str) -> None:
    entry = _po_translation(msgid)
    with translation.override("en"):
        english = translation.gettext(msgid)
    with translation.override("zh-hans"):
        chinese = translation.gettext(msgid)
    assert english == entry.msgstr[0]
    assert english != msgid
    assert chinese == msgid


def test_django_formats_english_placeholders_and_plurals() -> None:
    entry = _po_translation("验证码不正确，还可尝试 %(n)d 次。")
    with translation.override("en"):
        text = translation.gettext(entry.msgid) % {"n": 3}
    assert text == entry.msgstr[0] % {"n": 3}
    assert "3" in text
    assert "%" not in text

    plural = next((e for e in MESSAGES if e.msgid_plural is not None), None)
    if plural is None or plural.msgid_plural is None:
        pytest.skip("no plural entries in the catalog")
    singular_id, plural_id = plural.msgid, plural.msgid_plural
    with translation.override("en"):
        one = translation.ngettext(singular_id, plural_id, 1)
        many = translation.ngettext(singular_id, plural_id, 5)
    with translation.override("zh-hans"):
        chinese = translation.ngettext(singular_id, plural_id, 5)
    assert (one, many) == (plural.msgstr[0], plural.msgstr[1])
    assert chinese == plural_id
