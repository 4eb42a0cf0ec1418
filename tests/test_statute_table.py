"""docs/statute.md is the table of decisions/statute.py, and the table holds: every enforced
provision names tests that exist, and every refusal code the domain raises is listed."""

import re
from pathlib import Path

from decisions import statute

ROOT = Path(__file__).resolve().parent.parent


def test_docs_statute_md_is_the_generated_table():
    assert (ROOT / "docs/statute.md").read_text(encoding="utf-8") == statute.render(), (
        "regenerate it: python -m decisions.statute > docs/statute.md")


def test_every_enforced_provision_names_tests_that_exist():
    for provision in statute.PROVISIONS:
        if not provision.enforced:
            assert not provision.tests, provision.article
            continue
        assert provision.tests, f"{provision.article} is marked enforced but names no test"
        for test in provision.tests:
            path, name = test.split("::")
            source = (ROOT / path).read_text(encoding="utf-8")
            assert re.search(rf"^def {name}\(", source, re.M), f"{provision.article}: {test}"


def _raised_codes() -> set[str]:
    codes = set()
    for path in (ROOT / "decisions").rglob("*.py"):
        if "migrations" in path.parts or path.name == "statute.py":
            continue
        source = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'StatutoryGateError\(\s*"(\w+)"', source))
        codes |= set(re.findall(r'return\s+\(?"(\w+)",\s*(?:_|gettext)\(', source))
    return codes


def test_every_refusal_code_belongs_to_a_provision():
    listed = {code for p in statute.PROVISIONS for code in p.codes}
    unlisted = _raised_codes() - listed - statute.PROCEDURAL_CODES
    assert not unlisted, f"raised but in no provision of decisions/statute.py: {unlisted}"


def test_an_enforced_provision_s_codes_are_raised_and_an_open_one_s_are_not_yet():
    raised = _raised_codes()
    for provision in statute.PROVISIONS:
        for code in provision.codes:
            assert (code in raised) == provision.enforced, (provision.article, code)
