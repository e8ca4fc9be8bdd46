"""Withheld content never reaches the public: not a page, the PDF, the search index, the
sitemap or a calendar feed; the build log says what was withheld and why."""

from __future__ import annotations

import gzip
import io
import logging
import shutil
from pathlib import Path

import pypdf
import pytest

from conftest import (
    DATA,
    FIXTURES,
    SEARCH_FILES,
    BuiltSite,
    build_site,
    copy_data,
    read_search_file,
)
from strategy_site.cli import main
from strategy_site.loading import StrategyDataError, load_site

NOTE = "SECRET-NOTE-only-for-the-partnership"


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _withhold(reason: str, indent: str) -> str:
    return f"{indent}withhold: {{reason: {reason}, note: {NOTE}}}\n"


def _hostile_to_publish(tmp_path: Path) -> Path:
    """Two boroughs whose data withholds a piece of every kind, each marked SECRET-..."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    shutil.copytree(FIXTURES / "diagrams" / "diagramshire", data / "diagramshire")
    shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
    testshire = data / "testshire"
    _append(testshire / "objectives.yaml", (
        "  - number: 2\n    title: SECRET-OBJECTIVE-TITLE\n"
        + _withhold("crime-prevention", "    ")
        + "    actions:\n      - title: SECRET-ACTION-TITLE\n"))
    (testshire / "objectives.yaml").write_text(
        (testshire / "objectives.yaml").read_text("utf-8").replace(
            "      - title: Patrol hotspots\n",
            "      - title: Patrol hotspots\n      - title: SECRET-WITHHELD-ACTION\n"
            + _withhold("safety", "        ")), encoding="utf-8")
    _append(testshire / "funding.yaml", (
        "      - item: SECRET-FUND-ITEM\n        amounts: {\"2024/2025\": 99999}\n"
        + _withhold("crime-prevention", "        ")))
    _append(testshire / "review-dates.yaml", (
        "  - element: SECRET-REVIEW-ROW\n    published: 2025-01-31\n    review_by: 2026-01-31\n"
        + _withhold("institution-security", "    ")))
    _append(testshire / "introduction.yaml", (
        "blocks:\n  - text: Public words.\n  - text: SECRET-BLOCK-TEXT\n"
        + _withhold("safety", "    ")
        + "sections:\n  - title: SECRET-SECTION-TITLE\n    body: SECRET-SECTION-BODY\n"
        + _withhold("crime-prevention", "    ")))
    _append(testshire / "engagement.yaml", _withhold("institution-security", ""))
    (testshire / "engagement.yaml").write_text(
        (testshire / "engagement.yaml").read_text("utf-8").replace(
            "We listen to young people.", "SECRET-WHOLE-PAGE"), encoding="utf-8")
    diagramshire = data / "diagramshire"
    structures = diagramshire / "structures.yaml"
    structures.write_text(structures.read_text("utf-8").replace(
        "      - diagram: outcomes\n",
        "      - diagram: outcomes\n" + _withhold("safety", "        ")), encoding="utf-8")
    diagrams = diagramshire / "diagrams.yaml"
    diagrams.write_text(diagrams.read_text("utf-8").replace(
        "    title: Partnership membership\n",
        "    title: SECRET-DIAGRAM Partnership membership\n" + _withhold("safety", "    ")),
        encoding="utf-8")
    return data


SECRETS = ["SECRET-OBJECTIVE-TITLE", "SECRET-ACTION-TITLE", "SECRET-WITHHELD-ACTION",
           "SECRET-FUND-ITEM", "99,999", "SECRET-REVIEW-ROW", "SECRET-BLOCK-TEXT",
           "SECRET-SECTION-TITLE", "SECRET-SECTION-BODY", "SECRET-WHOLE-PAGE", "SECRET-DIAGRAM",
           "Outcomes framework", "SECRET", NOTE]


@pytest.fixture(scope="module")
def withheld_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuiltSite, list[str]]:
    tmp_path = tmp_path_factory.mktemp("withheld")
    data = _hostile_to_publish(tmp_path)
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Keep()
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        site = build_site(tmp_path, data)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return site, records


def _everything_published(site: BuiltSite) -> dict[str, str]:
    """The text of every file in site/: pages, search index, sitemap (gzipped too), feeds,
    scripts, and the text of every PDF."""
    texts = {}
    for path in site.root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".pdf":
            reader = pypdf.PdfReader(io.BytesIO(data))
            text = "\n".join(page.extract_text() for page in reader.pages)
            text += str(reader.metadata) + data.decode("latin-1")  # metadata and raw bytes
        elif path.suffix == ".gz":
            text = gzip.decompress(data).decode("utf-8", "replace")
        elif path.suffix in SEARCH_FILES:  # the search index: compressed JSON and CBOR
            text = read_search_file(path).decode("utf-8", "replace")
        else:
            text = data.decode("utf-8", "replace")
        texts[str(path.relative_to(site.root))] = text
    return texts


@pytest.mark.slow  # opens the PDFs
def test_nothing_withheld_is_anywhere_in_the_site(
        withheld_site: tuple[BuiltSite, list[str]]) -> None:
    site, _ = withheld_site
    published = _everything_published(site)
    assert any(name.endswith(".pdf") for name in published)
    assert any(name.endswith(".ics") for name in published)
    assert any(name.endswith(".pf_fragment") for name in published) and "sitemap.xml" in published
    for secret in SECRETS:
        found = [name for name, text in published.items() if secret in text]
        assert found == [], f"{secret} is published in {found}"


def test_what_is_not_withheld_is_still_published(
        withheld_site: tuple[BuiltSite, list[str]]) -> None:
    site, _ = withheld_site
    assert "Reduce knife crime" in site.text("testshire/objectives/")
    assert "Patrol hotspots" in site.text("testshire/objectives/")
    assert "Public words." in site.text("testshire/introduction/")
    assert "Total £3,000.50" in site.text("testshire/funding/")  # the total leaves it out
    assert not (site.root / "testshire" / "engagement").exists()
    assert "Engagement" not in site.text("testshire/")  # nor in the contents
    assert "Funding" in site.text("testshire/key-dates/")
    structures = site.html("diagramshire/structures/")
    assert 'id="diagram-structure"' in structures
    assert 'id="diagram-outcomes"' not in structures  # its only block is withheld
    assert 'id="diagram-members"' not in structures  # withheld itself
    assert "Our members are listed below." in site.text("diagramshire/structures/")


def test_the_build_log_says_what_was_withheld_and_why(
        withheld_site: tuple[BuiltSite, list[str]]) -> None:
    _, log = withheld_site
    withheld = [line for line in log if line.startswith("Withheld from")]
    assert len(withheld) == 9
    assert ("Withheld from testshire (edition 2025): objectives.objectives[2] "
            "(SECRET-OBJECTIVE-TITLE): crime-prevention, as it would prejudice the prevention "
            f"or detection of crime. Note: {NOTE}") in withheld
    assert any("engagement (Engagement): institution-security" in line for line in withheld)
    assert any("diagrams.diagrams[2] (SECRET-DIAGRAM Partnership membership): safety" in line
               for line in withheld)


def test_check_lists_what_is_withheld(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    data = _hostile_to_publish(tmp_path)
    main(["check", "--data", str(data), "--today", "2025-02-01"])
    out = capsys.readouterr().out
    assert out.count("withheld from ") == 9
    assert "introduction.blocks[2] (a text block): safety" in out


def test_an_unknown_reason_is_refused(tmp_path: Path) -> None:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    _append(data / "testshire" / "introduction.yaml",
            "blocks:\n  - text: x\n    withhold: {reason: embarrassing}\n")
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    assert ("introduction.yaml:5: field 'blocks[1].withhold.reason': expected one of: safety, "
            "crime-prevention, institution-security; found the text 'embarrassing'"
            ) in str(raised.value)
