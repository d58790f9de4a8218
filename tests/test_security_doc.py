"""docs/security.md defines every requirement id the code cites, and names only tests that exist.

Comments and docstrings in portal/, templates/ and tests/ cite requirements by id
(`AUTH-09`), as a series (`HDR-01..08`) or as a pair (`SES-04/05`). Each id must be
defined in docs/security.md, and each `tests/<file>.py::<name>` there must be a
function in that file, so the list and the code cannot drift apart unnoticed.
"""
import ast
import io
import re
import tokenize

from portal.config import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "security.md"
SCANNED = ("portal", "templates", "tests")
CITATION = re.compile(r"\b([A-Z]{2,5})-(\d{2})(?:(\.\.|/)(?:\1-)?(\d{2}))?\b")
DEFINITION = re.compile(r"^- \*\*([A-Z]{2,5}-\d{2})\*\* ", re.M)
UNASSIGNED = re.compile(r"^- Unassigned: (.+?)(?:\.|$)", re.M)
TEST_REFERENCE = re.compile(r"\btests/([\w/]+\.py)::(\w+)")
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|<!--.*?-->", re.S)


def python_notes(source):
    """Return (line, text) for every comment and docstring of a Python source."""
    notes = [(tok.start[0], tok.string) for tok in tokenize.generate_tokens(io.StringIO(source).readline)
             if tok.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            text = ast.get_docstring(node, clean=False)
            if text is not None:
                notes.append((node.body[0].lineno, text))
    return notes


def template_notes(source):
    """Return (line, text) for every Jinja and HTML comment of a template."""
    return [(source.count("\n", 0, m.start()) + 1, m.group(0)) for m in TEMPLATE_COMMENT.finditer(source)]


def citations(root=PROJECT_ROOT, folders=SCANNED):
    """Return (place, citation text, [ids it names], [ids it passes over]) for every id cited in a note."""
    found = []
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if path.suffix == ".py":
                notes = python_notes(path.read_text())
            elif folder == "templates":
                notes = template_notes(path.read_text())
            else:
                continue
            for line, text in notes:
                for match in CITATION.finditer(text):
                    family, first, form, last = match.groups()
                    named = [f"{family}-{first}"] + ([f"{family}-{last}"] if last else [])
                    between = [f"{family}-{n:02d}" for n in range(int(first) + 1, int(last))] if form == ".." else []
                    at = line + text.count("\n", 0, match.start())
                    found.append((f"{path.relative_to(root)}:{at}", match.group(0), named, between))
    return found


def defined_ids(text):
    """Return the ids docs/security.md defines, in order (an id defined twice appears twice)."""
    return DEFINITION.findall(text)


def unassigned_ids(text):
    """Return the numbers docs/security.md says are not used."""
    listed = UNASSIGNED.search(text)
    return set(re.findall(r"[A-Z]{2,5}-\d{2}", listed.group(1))) if listed else set()


def undefined_citations(found, text):
    """Return a message for every citation that names an id the document does not define."""
    defined, skipped = set(defined_ids(text)), unassigned_ids(text)
    problems = []
    for place, cited, named, between in found:
        for requirement in named:
            if requirement not in defined:
                problems.append(f"{place}: {cited} cites {requirement}, which docs/security.md does not define")
        for requirement in between:
            if requirement not in defined | skipped:
                problems.append(f"{place}: {cited} covers {requirement}, neither defined nor listed as unassigned")
    return problems


def missing_tests(text, root=PROJECT_ROOT):
    """Return a message for every `tests/<file>.py::<name>` that is not a function in that file."""
    problems, functions = [], {}
    for file, name in TEST_REFERENCE.findall(text):
        path = root / "tests" / file
        if file not in functions:
            tree = ast.parse(path.read_text()) if path.is_file() else ast.Module(body=[], type_ignores=[])
            functions[file] = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        if not path.is_file():
            problems.append(f"tests/{file}::{name}: there is no tests/{file}")
        elif name not in functions[file]:
            problems.append(f"tests/{file}::{name}: tests/{file} has no function {name}")
    return problems


# ------------------------------------------------------------------ the repository as it is

def test_every_id_cited_in_a_comment_or_docstring_is_defined():
    found = citations()
    assert len(found) >= 50, "the scan found almost no citations: is it still reading the comments?"
    problems = undefined_citations(found, DOC.read_text())
    assert not problems, "\n".join(problems)


def test_every_test_the_document_names_exists():
    text = DOC.read_text()
    assert len(TEST_REFERENCE.findall(text)) >= 100
    problems = missing_tests(text)
    assert not problems, "\n".join(problems)


def test_every_requirement_is_defined_once_and_names_its_tests_or_says_it_has_none():
    text = DOC.read_text()
    ids = defined_ids(text)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert not set(ids) & unassigned_ids(text), "an id is both defined and listed as unassigned"
    for line in text.splitlines():
        if DEFINITION.match(line + " "):
            assert TEST_REFERENCE.search(line) or "no test yet" in line, line[:80]


# ------------------------------------------------------------------ the checks can fail

def test_the_checks_catch_an_undefined_id_and_a_missing_test(tmp_path):
    (tmp_path / "portal").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "portal" / "thing.py").write_text(
        '"""Module docstring citing ZZ-01."""\n'
        'LABEL = "AB-99 in a plain string is no citation"\n\n\n'
        'def thing():\n    """Cite a series.\n\n    Here: ZZ-02..05.\n    """\n    return 1  # and a pair QQ-01/02\n')
    (tmp_path / "templates" / "page.html").write_text("<p>AB-98</p>\n{# YY-01 #}\n<!-- XX-01 -->\n")
    (tmp_path / "tests" / "test_thing.py").write_text("def test_real():\n    pass\n")
    doc = ("- Unassigned: ZZ-03.\n- **ZZ-01** one. Tests: `tests/test_thing.py::test_real`.\n"
           "- **ZZ-02** two. Tests: `tests/test_thing.py::test_gone`, `tests/test_none.py::test_x`.\n"
           "- **ZZ-05** five, no test yet.\n- **QQ-01** q. no test yet\n- **YY-01** y. no test yet\n")

    found = citations(tmp_path)
    assert [(place, cited) for place, cited, _, _ in found] == [
        ("portal/thing.py:10", "QQ-01/02"), ("portal/thing.py:1", "ZZ-01"), ("portal/thing.py:8", "ZZ-02..05"),
        ("templates/page.html:2", "YY-01"), ("templates/page.html:3", "XX-01")]
    problems = undefined_citations(found, doc)
    assert [p.split(": ", 1)[1] for p in problems] == [
        "QQ-01/02 cites QQ-02, which docs/security.md does not define",
        "ZZ-02..05 covers ZZ-04, neither defined nor listed as unassigned",
        "XX-01 cites XX-01, which docs/security.md does not define"]
    assert missing_tests(doc, tmp_path) == ["tests/test_thing.py::test_gone: tests/test_thing.py has no function "
                                            "test_gone", "tests/test_none.py::test_x: there is no tests/test_none.py"]
