"""The project's own docs (docs/*.md) must not lie: every code reference in them points to a
function, class or test that exists; every rule R1–R13 is in docs/design.md with the function
that enforces it and the tests named after it; every ``docs/<file>.md`` the code cites exists,
with the section (``§N``) or heading (``"Permissions"``) it names.

Pure file reading: no database, no settings. When a function moves, the failure names the doc,
the reference and what is missing, so fixing the doc is a one-line change.
"""
from __future__ import annotations

import ast
import functools
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DOC_FILES = sorted(DOCS.glob("*.md"))
RULES = [f"R{n}" for n in range(1, 14)]
FLOORS = ("core", "agencies", "bidding", "credit", "ratings", "supervision", "marketplace")

# `path/to/module.py::name` or `path/to/module.py::Class.method`, inside backticks.
CODE_REF = re.compile(r"`(?P<path>[\w./-]+\.py)::(?P<name>[A-Za-z_][\w.]*)`")
# A citation of our docs in code: docs/conventions.md, "Permissions" · docs/design.md §3, §4 ·
# docs/design.md §4 "Working days".
CITATION = re.compile(
    r"docs/(?P<file>[\w-]+\.md)"
    r"(?P<sections>(?:\s*,?\s*§\s*\d+)*)"
    r"(?:\s*,?\s*\\?[\"“](?P<heading>[^\"”\\\n]{2,80})\\?[\"”])?")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
SECTION_NUMBER = re.compile(r"^(?:§\s*)?(?P<number>\d+)\.?\s+")

# What a newcomer's clone holds: our sources, templates, docs and tooling, not the virtualenv,
# collected static files, uploads or the git store.
SCANNED_SUFFIXES = {".py", ".html", ".txt", ".md", ".toml", ".ini", ".cfg", ".js", ".sh",
                    ".yml", ".yaml"}
SCANNED_NAMES = {"Makefile", "run"}
SKIPPED_DIRS = {".git", ".venv", "venv", "node_modules", "staticfiles", "media", "__pycache__",
                ".pytest_cache", ".ruff_cache", ".hypothesis"}


def _repo_files() -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIPPED_DIRS]
        for name in filenames:
            path = Path(dirpath, name)
            if path.suffix in SCANNED_SUFFIXES or name in SCANNED_NAMES:
                found.append(path)
    return sorted(found)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@functools.cache
def _module_names(path: str) -> dict[str, set[str]]:
    """Top-level functions and classes of a module, each with its own methods."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=path)
    names: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names[node.name] = set()
        elif isinstance(node, ast.ClassDef):
            names[node.name] = {n.name for n in node.body
                                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return names


def _missing(path: str, name: str) -> str | None:
    """Why ``path::name`` does not resolve, or ``None`` when it does."""
    if not (ROOT / path).is_file():
        return f"no file {path}"
    names = _module_names(path)
    head, _dot, method = name.partition(".")
    if head not in names:
        return f"{path} defines no top-level function or class {head!r}"
    if method and method not in names[head]:
        return f"{path}::{head} has no method {method!r}"
    if _is_test_module(path) and not (head.startswith("test_") or method.startswith("test_")):
        return f"{path}::{name} is not a test"
    return None


def _is_test_module(path: str) -> bool:
    return path.startswith("tests/") and Path(path).name.startswith("test_")


def _doc_refs() -> list[tuple[str, str, str]]:
    return [(_rel(doc), m["path"], m["name"])
            for doc in DOC_FILES
            for m in CODE_REF.finditer(doc.read_text(encoding="utf-8"))]


def _headings(text: str) -> list[tuple[int, str, int]]:
    """``(level, title, line index)`` of every Markdown heading outside code blocks."""
    out, fenced = [], False
    for i, line in enumerate(text.splitlines()):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        m = None if fenced else HEADING.match(line)
        if m:
            out.append((len(m["hashes"]), m["title"], i))
    return out


def _plain(title: str) -> str:
    """A heading as code cites it: no section number, no Markdown, lower case."""
    title = SECTION_NUMBER.sub("", title)
    return re.sub(r"[`*_]", "", title).strip().lower()


def _sections(text: str) -> dict[str, tuple[int, int]]:
    """Numbered sections (``## 4. Architecture principles``) → their line range."""
    heads = _headings(text)
    lines = len(text.splitlines())
    out = {}
    for k, (level, title, start) in enumerate(heads):
        m = SECTION_NUMBER.match(title)
        if not m:
            continue
        end = next((s for lv, _t, s in heads[k + 1:] if lv <= level), lines)
        out[m["number"]] = (start, end)
    return out


def _rule_sections() -> dict[str, str]:
    """The text under each ``### R<n> …`` heading of docs/design.md."""
    text = (DOCS / "design.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    heads = _headings(text)
    out = {}
    for k, (level, title, start) in enumerate(heads):
        m = re.match(r"(R\d+)\b", title)
        if m:
            end = next((s for lv, _t, s in heads[k + 1:] if lv <= level), len(lines))
            out[m[1]] = "\n".join(lines[start:end])
    return out


def _citations() -> list[tuple[str, int, re.Match]]:
    out = []
    for path in _repo_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for m in CITATION.finditer(text):
            out.append((_rel(path), text.count("\n", 0, m.start()) + 1, m))
    return out


# --- the docs exist and their references resolve -------------------------------------------------

def test_the_three_docs_exist():
    assert {p.name for p in DOC_FILES} >= {"design.md", "architecture.md", "conventions.md"}


def test_every_code_reference_in_the_docs_names_an_existing_function_class_or_test():
    refs = _doc_refs()
    assert len(refs) > 40, "the docs should point to the code that does what they say"
    broken = [f"{doc}: `{path}::{name}`: {why}"
              for doc, path, name in refs if (why := _missing(path, name))]
    assert not broken, "\n".join(broken)


def test_every_test_reference_in_the_docs_is_a_test_function():
    tests = [(doc, path, name) for doc, path, name in _doc_refs() if _is_test_module(path)]
    assert tests
    assert all(name.split(".")[-1].startswith("test_") for _d, _p, name in tests)


def test_architecture_has_a_mermaid_diagram_and_a_plain_text_one():
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    assert re.search(r"```mermaid\nflowchart[^`]*core[^`]*```", text)
    plain = re.findall(r"```text\n([^`]*)```", text)
    assert any(all(app in block for app in FLOORS) for block in plain), (
        "a plain-text diagram naming every floor, for terminals")


# --- the rules ----------------------------------------------------------------------------------

@pytest.mark.parametrize("rule", RULES)
def test_each_rule_is_in_the_design_with_its_chinese_text_enforcing_function_and_tests(rule):
    section = _rule_sections().get(rule)
    assert section, f"docs/design.md has no '### {rule} …' section"
    assert re.search(r"[\u4e00-\u9fff]{4,}", section), f"{rule}: the Chinese policy text is missing"
    # The paragraph after "**Enforced by:**" opens with THE function; what follows in it (in
    # parentheses) may name its helpers and callers.
    enforced = re.search(r"\*\*Enforced by:?\*\*:?\s*(?P<paragraph>[\s\S]+?)(?:\n\s*\n|$)",
                         section)
    assert enforced, f"{rule}: no '**Enforced by:**' paragraph"
    first = CODE_REF.match(enforced["paragraph"])
    assert first and not first["path"].startswith("tests/"), (
        f"{rule}: '**Enforced by:**' must start with the one function, as `path.py::name`")
    assert _missing(first["path"], first["name"]) is None, _missing(first["path"], first["name"])
    tests = re.search(r"\*\*Tests:?\*\*:?(?P<rest>[\s\S]+)", section)
    assert tests, f"{rule}: no '**Tests:**' list"
    named = [m for m in CODE_REF.finditer(tests["rest"]) if _is_test_module(m["path"])]
    assert named, f"{rule}: name the tests of the rule"
    broken = [why for m in named if (why := _missing(m["path"], m["name"]))]
    assert not broken, f"{rule}: " + "; ".join(broken)


def test_the_design_keeps_the_numbered_sections_code_cites():
    text = (DOCS / "design.md").read_text(encoding="utf-8")
    assert set(_sections(text)) >= {"1", "2", "3", "4", "5"}


# --- what the code cites ------------------------------------------------------------------------

def test_the_code_cites_our_docs():
    assert _citations(), "nothing cites docs/*.md: this test would check nothing"


def test_every_cited_doc_section_and_heading_exists():
    problems = []
    for where, line, m in _citations():
        doc = DOCS / m["file"]
        if not doc.is_file():
            problems.append(f"{where}:{line}: cites docs/{m['file']}, which does not exist")
            continue
        text = doc.read_text(encoding="utf-8")
        sections = _sections(text)
        numbers = re.findall(r"\d+", m["sections"] or "")
        for number in numbers:
            if number not in sections:
                problems.append(f"{where}:{line}: docs/{m['file']} has no §{number}")
        if m["heading"]:
            lines = range(len(text.splitlines()))
            if numbers and numbers[-1] in sections:
                lines = range(*sections[numbers[-1]])
            titles = {_plain(t) for _lv, t, i in _headings(text) if i in lines}
            if _plain(m["heading"]) not in titles:
                inside = f" in §{numbers[-1]}" if numbers else ""
                problems.append(f"{where}:{line}: docs/{m['file']} has no heading "
                                f"\"{m['heading']}\"{inside}")
    assert not problems, "\n".join(problems)


_OUTSIDE = ("DESIGN" + ".md", "STYLE" + ".md")


def test_nothing_cites_a_document_outside_the_repository():
    me = Path(__file__).resolve()
    hits = []
    for path in _repo_files():
        if path.resolve() == me:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for i, line in enumerate(text.splitlines(), 1):
            if any(name in line for name in _OUTSIDE):
                hits.append(f"{_rel(path)}:{i}: {line.strip()}")
    assert not hits, "cite docs/design.md or docs/conventions.md instead:\n" + "\n".join(hits)
