"""Bexley's strategy: every partner, group, panel, priority and outcome the seed names is on the
site, in text a screen reader reads (outside the drawings), and each diagram has both views."""

from __future__ import annotations

import re

import pytest

from conftest import SEEDS, BuiltSite, article, visible_text

SEED = SEEDS / "001_33ef01da3424f985.txt"


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def bexley_text(real_site: BuiltSite) -> str:
    """All of Bexley's pages as text, without the SVG drawings."""
    parts = []
    for path in real_site.pages():
        if not path.is_relative_to(real_site.root / "bexley"):
            continue
        html = re.sub(r"<svg.*?</svg>", " ", article(path.read_text(encoding="utf-8")), flags=re.S)
        parts.append(visible_text(html))
    return " | ".join(parts)


def _section(seed: str, start: str, end: str) -> str:
    begin = seed.rindex(start)
    return seed[begin:seed.index(end, begin)]


def _names(block: str) -> list[str]:
    """List items and plain lines of a block, without markers, bold or trailing colons."""
    names = []
    for line in block.splitlines()[1:]:
        name = re.sub(r"^\s*-\s*", "", line).replace("*", "").strip().rstrip(":").strip()
        if name and not name.startswith(("See the", "List not")):
            names.append(name.replace("'", "’"))
    return names


def _present(name: str, text: str) -> bool:
    """Named in the text; "Label: statement" may be a heading over its statement."""
    if ": " in name and not (name in text or name.replace("’", "'") in text):
        return all(_present(part, text) for part in name.split(": ", 1))
    return name in text or name.replace("’", "'") in text


def test_every_partner_is_named(seed: str, bexley_text: str) -> None:
    names = _names(_section(seed, "3. BCSP Membership", "BCSP Membership - accessible version"))
    assert len(names) >= 18  # chair, 6 statutory partners, 9 others, and the group labels
    missing = [n for n in names if not _present(n, bexley_text)]
    assert not missing


def test_every_group_and_panel_is_named(seed: str, bexley_text: str) -> None:
    names = _names(_section(seed, "Governance and Partnership meeting structure - accessible",
                            "5. Our current priorities"))
    assert "Channel Panel" in names and len(names) >= 19
    assert not [n for n in names if not _present(n, bexley_text)]


def test_every_priority_and_outcome_is_named(seed: str, bexley_text: str) -> None:
    blocks = [
        _section(seed, "5. Our current priorities", "6. How are our local"),
        _section(seed, "7. How will we know", "8. Police & Crime Plan"),
        _section(seed, "Police and Crime Plan Outcomes Framework Diagram – accessible version",
                 "9. Working together on safeguarding"),
        _section(seed, "Bexley’s two local volume priorities are:",
                 "Police and Crime Plan Outcomes Framework Diagram – accessible"),
    ]
    names = [n for block in blocks for n in _names(block)]
    assert "Non-domestic violence with injury" in names
    assert "The MPS respond effectively to crime" in names
    missing = [n for n in names if not _present(n, bexley_text)]
    assert not missing


def test_both_signatories_sign_the_foreword(real_site: BuiltSite) -> None:
    text = real_site.text("bexley/foreword/")
    assert "Cllr Sue Gower MBE Cabinet Member for Community Safety London Borough of Bexley " \
           "BCSP Board Chair" in text
    assert "Det. Chief Superintendent Trevor Lawry Borough Commander Southeast BCU " \
           "Metropolitan Police Service" in text


def test_the_three_diagrams_are_on_their_pages(real_site: BuiltSite) -> None:
    for page, ident in (("membership", "bcsp-membership"), ("governance", "bcsp-governance"),
                        ("police-and-crime-plan", "pcp-outcomes-framework")):
        html = real_site.html(f"bexley/{page}/")
        assert f'id="diagram-{ident}"' in html and f'id="diagram-{ident}-text"' in html


def test_pages_follow_the_contents_of_the_seed(real_site: BuiltSite) -> None:
    landing = real_site.text("bexley/")
    order = ["Foreword", "1. About Bexley", "2. Context", "3. BCSP Membership",
             "4. Governance", "5. Our current priorities", "6. How are our local priorities",
             "7. How will we know", "8. Police & Crime Plan", "9. Working together",
             "Further information"]
    contents = landing.split("Contents", 1)[1]
    positions = [contents.index(title) for title in order]
    assert positions == sorted(positions)
