"""A bilingual strategy's PDFs, records and submission pack (issue 19): a PDF per language, each
PDF/UA with its own /Lang and title at its version's addresses; `strategy-site publish` records
each language's version, and the build keeps both as published; a change to the Welsh text of a
published edition is caught like one to the English; the Home Office pack sends both.

Tested at the plan, publish and PDF level, and one whole build."""

from __future__ import annotations

import email
import hashlib
import io
import shutil
import subprocess
import sys
from email import policy
from pathlib import Path

import pikepdf
import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import FIXTURES, PUBLISHED_AT, REPO, make_project
from strategy_site.cli import main
from strategy_site.gate import pdf_checks
from strategy_site.loading import StrategyDataError, load_site
from strategy_site.pages import Renderer
from strategy_site.plan import Options, PdfPlan, SitePlan, made_pdf, plan_site
from test_pdf import ua_problems

HOME = "enghraifft"
WELSH_PDF = "enghraifft-strategaeth-dyletswydd-trais-difrifol-2025-cy.pdf"
ENGLISH_PDF = "example-serious-violence-duty-strategy-2025-en.pdf"


def _copy(tmp_path: Path) -> Path:
    """The bilingual example with its newest edition alone, never published: these tests
    publish it, and bring the next edition, themselves."""
    data = tmp_path / "strategy_data"
    shutil.copytree(FIXTURES / "bilingual", data, ignore=shutil.ignore_patterns("editions"))
    return data


def _plan(data: Path) -> SitePlan:
    return plan_site(load_site(data), Options(data_dir=data, site_url=PUBLISHED_AT))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), "utf-8")


def _publish(data: Path) -> None:
    assert main(["publish", HOME, "--data", str(data), "--site-url", PUBLISHED_AT,
                 "--today", "2025-02-01"]) == 0


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bilingual fixture published once for the module (publishing renders both PDFs):
    each test changes a copy of it."""
    data = _copy(tmp_path_factory.mktemp("published"))
    _publish(data)
    return data


def test_each_language_has_a_pdf_of_its_own_at_its_versions_addresses(tmp_path: Path) -> None:
    plan = _plan(_copy(tmp_path))
    assert [(job.download.name, job.edition.language, job.bases) for job in plan.pdfs] == [
        (WELSH_PDF, "cy", (f"{HOME}/2025", HOME)),
        (ENGLISH_PDF, "en", (f"{HOME}/en/2025", f"{HOME}/en"))]
    # the pages in each language link their own language's PDF
    downloads = plan.downloads()
    assert downloads[HOME].name == WELSH_PDF and downloads[f"{HOME}/en"].name == ENGLISH_PDF
    assert [job.web_address for job in plan.pdfs] == [
        f"{PUBLISHED_AT}{HOME}/2025/", f"{PUBLISHED_AT}{HOME}/en/2025/"]


def test_with_english_first_the_welsh_pdf_is_under_the_welsh_address(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    _edit(data / HOME / "strategy.yaml", "languages: [cy, en]", "languages: [en, cy]")
    plan = _plan(data)
    assert [(job.download.name, job.bases) for job in plan.pdfs] == [
        (ENGLISH_PDF, (f"{HOME}/2025", HOME)),
        (WELSH_PDF, (f"{HOME}/cy/2025", f"{HOME}/cy"))]
    [pack] = plan.packs
    assert (pack.pdf.download.name, [job.download.name for job in pack.translations]) == (
        ENGLISH_PDF, [WELSH_PDF])


def test_a_strategy_in_one_language_keeps_its_pdfs_name() -> None:
    plan = _plan(FIXTURES / "minimal")
    assert [job.download.name for job in plan.pdfs] == [
        "testshire-serious-violence-duty-strategy-2025.pdf"]


def _job(plan: SitePlan, language: str) -> PdfPlan:
    return next(job for job in plan.pdfs if job.edition.language == language)


@pytest.mark.slow  # renders both PDFs
def test_each_pdf_is_pdf_ua_in_its_own_language(tmp_path: Path) -> None:
    plan = _plan(_copy(tmp_path))
    expected = {"cy": ("cy-GB", "Enghraifft: Strategaeth Dyletswydd Trais Difrifol",
                       "Partneriaeth Diogelwch Cymunedol Enghraifft", "Ein blaenoriaethau"),
                "en": ("en-GB", "Example: Serious Violence Duty Strategy",
                       "Example Community Safety Partnership", "Our priorities")}
    for language, (tag, title, author, heading) in expected.items():
        pdf = made_pdf(_job(plan, language), Renderer(), plan.site)
        path = tmp_path / pdf.name
        path.write_bytes(pdf.data)
        assert ua_problems(pdf.data, tag) == [], language
        # the gate's own PDF checks, as `strategy-site gate` runs them
        margins = pdf_checks.page_margins(pdf_checks.PRINT_CSS.read_text("utf-8"))
        assert pdf_checks.pdf_findings(path, margins) == [], language
        run = subprocess.run([sys.executable, "-m", "pdfua", "check", str(path)],
                             capture_output=True, text=True, timeout=120)
        assert "result: PASS (no findings)" in run.stdout, run.stdout + run.stderr
        with pikepdf.open(io.BytesIO(pdf.data)) as opened:
            assert str(opened.Root.Lang) == tag
            assert str(opened.docinfo.Title) == title
            assert str(opened.docinfo.Author) == author
            with opened.open_metadata() as xmp:
                assert xmp.get("dc:title") == title
        text = pdf_text(pdf.data)
        assert heading in text, (language, text)


def pdf_text(data: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _records(data: Path) -> list[dict[str, object]]:
    loaded = yaml.safe_load((data / HOME / "published.yaml").read_text("utf-8"))
    assert isinstance(loaded, dict)
    records = loaded["records"]
    assert isinstance(records, list)
    return records


@pytest.mark.slow  # publishing renders and keeps both PDFs
def test_publishing_records_each_language_and_the_build_keeps_both(published: Path) -> None:
    records = _records(published)
    assert [(r["edition"], r["language"], r["pdf"]) for r in records] == [
        ("2025", "cy", "published/2025-cy.pdf"), ("2025", "en", "published/2025-en.pdf")]
    for record in records:
        kept = (published / HOME / str(record["pdf"])).read_bytes()
        assert hashlib.sha256(kept).hexdigest() == record["pdf_sha256"]
    plan = _plan(published)
    for job, record in zip(plan.pdfs, records, strict=True):
        assert job.state.unchanged and job.state.record is not None
        assert job.kept == (published / HOME / str(record["pdf"])).read_bytes()  # as published
    assert main(["publish", HOME, "--data", str(published), "--today", "2025-02-02"]) == 0
    assert len(_records(published)) == 2  # nothing to record again


@pytest.mark.slow  # uses the published fixture
@pytest.mark.parametrize(("language", "old", "new"), [
    ("Welsh (cy)", "      cy: Atal trais difrifol.", "      cy: Atal pob trais difrifol."),
    ("English (en)", "      en: Preventing serious violence.",
     "      en: Preventing all serious violence.")])
def test_a_change_to_one_language_of_a_published_edition_is_caught(
        tmp_path: Path, published: Path, language: str, old: str, new: str) -> None:
    data = tmp_path / "strategy_data"
    shutil.copytree(published, data)
    _edit(data / HOME / "about.yaml", old, new)
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    [problem] = raised.value.problems
    line = next(n for n, text in enumerate(
        (data / HOME / "strategy.yaml").read_text("utf-8").splitlines(), 1)
        if text.startswith("edition:"))
    assert (f"{HOME}/strategy.yaml:{line}: field 'edition': expected the data of edition '2025' "
            f"in {language} to be as published on 2025-01-31") in str(problem), str(problem)


@pytest.mark.slow  # uses the published fixture
def test_a_published_editions_versions_keep_their_pdfs_when_the_next_edition_comes(
        tmp_path: Path, published: Path) -> None:
    """The 2025 edition moves into editions/2025/ and a 2026 edition takes its place: both
    of its PDFs are still those kept, at its own addresses in each language."""
    data = tmp_path / "strategy_data"
    shutil.copytree(published, data)
    home = data / HOME
    earlier = home / "editions" / "2025"
    earlier.mkdir(parents=True)
    for part in home.glob("*.yaml"):
        if part.name != "published.yaml":
            shutil.copy(part, earlier / part.name)
    _edit(home / "strategy.yaml", 'edition: "2025"\n', 'edition: "2026"\n')
    _edit(home / "strategy.yaml", "published: 2025-01-31\n", "published: 2026-01-31\n")
    plan = _plan(data)
    kept: dict[tuple[str, str | None], PdfPlan] = {
        (job.edition.identity.edition, job.edition.language): job for job in plan.pdfs}
    for language, name, base in [("cy", "2025-cy", f"{HOME}/2025"),
                                 ("en", "2025-en", f"{HOME}/en/2025")]:
        job = kept["2025", language]
        assert job.bases == (base,)
        assert job.kept == (home / "published" / f"{name}.pdf").read_bytes(), language
        assert kept["2026", language].kept is None


@pytest.mark.slow  # uses the published fixture
def test_a_record_of_one_language_cannot_vanish(tmp_path: Path, published: Path) -> None:
    data = tmp_path / "strategy_data"
    shutil.copytree(published, data)
    manifest = data / HOME / "published.yaml"
    loaded = yaml.safe_load(manifest.read_text("utf-8"))
    loaded["records"] = loaded["records"][:1]
    manifest.write_text(yaml.safe_dump(loaded, sort_keys=False), "utf-8")
    (data / HOME / "published" / "2025-en.pdf").unlink()
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    assert ("expected a record of the English (en) version of edition '2025' in published.yaml "
            "beside that of its Welsh (cy) version") in str(raised.value)


def _with_submission_rule(data: Path) -> None:
    """The package's timetable, its Home Office rule for every partnership and template (the
    fixture's template is `free`)."""
    timetable = (REPO / "plugins" / "strategy_site" / "defaults" / "timetable.yaml").read_text(
        "utf-8")
    rule = "  - id: home-office-submission\n"
    before, after = timetable.split(rule)
    after = after.replace("    templates: [serious-violence-duty]\n"
                          "    applies_to: {region: [england, wales]}\n",
                          "    applies_to: all\n", 1)
    (data / "timetable.yaml").write_text(before + rule + after, "utf-8")


@pytest.mark.slow  # renders both PDFs
def test_the_submission_pack_sends_both_languages(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    _with_submission_rule(data)
    out = tmp_path / "pack"
    assert main(["submission", HOME, "--data", str(data), "--out", str(out),
                 "--site-url", PUBLISHED_AT]) == 0
    assert sorted(path.name for path in out.iterdir()) == sorted([
        WELSH_PDF, f"{WELSH_PDF}.sha256", ENGLISH_PDF, f"{ENGLISH_PDF}.sha256",
        WELSH_PDF.removesuffix(".pdf") + "-home-office-submission.eml"])
    for name in (WELSH_PDF, ENGLISH_PDF):
        digest = hashlib.sha256((out / name).read_bytes()).hexdigest()
        assert (out / f"{name}.sha256").read_text() == f"{digest}  {name}\n"
    message = email.message_from_bytes(next(out.glob("*.eml")).read_bytes(),
                                       policy=policy.default)
    assert message["Subject"] == "Serious Violence Duty strategy: Example Community Safety " \
                                 "Partnership"
    attachments = {part.get_filename(): part.get_content()
                   for part in message.iter_attachments()}
    assert attachments == {name: (out / name).read_bytes() for name in (WELSH_PDF, ENGLISH_PDF)}
    plain = message.get_body(("plain",))
    assert plain is not None
    body = " ".join(plain.get_content().split())
    assert "in Welsh and English." in body
    assert (f"The Welsh version, Strategaeth Dyletswydd Trais Difrifol (2025), is published "
            f"at: {PUBLISHED_AT}{HOME}/2025/") in body
    assert (f"The English version, Serious Violence Duty Strategy (2025), is published at: "
            f"{PUBLISHED_AT}{HOME}/en/2025/") in body
    assert f"Its attached file is {ENGLISH_PDF}" in body


@pytest.mark.slow  # builds the site with both PDFs
def test_the_build_writes_both_pdfs_and_a_pack_with_both(tmp_path: Path) -> None:
    """The whole example, its earlier edition too, built strictly: each language's pages
    link their own PDF, and the pack sends both."""
    data = tmp_path / "strategy_data"
    shutil.copytree(FIXTURES / "bilingual", data)
    _with_submission_rule(data)
    project = make_project(tmp_path, data, site_url=PUBLISHED_AT, pdfs=True)
    site = tmp_path / "site"
    build(load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True))
    for folder, name in [(HOME, WELSH_PDF), (f"{HOME}/en", ENGLISH_PDF)]:
        assert f'href="{name}"' in (site / folder / "index.html").read_text("utf-8"), folder
    for folder, name in [(HOME, WELSH_PDF), (f"{HOME}/2025", WELSH_PDF),
                         (f"{HOME}/en", ENGLISH_PDF), (f"{HOME}/en/2025", ENGLISH_PDF)]:
        assert (site / folder / name).is_file(), (folder, name)
    found = pdf_checks.site_pdf_findings(site)
    assert [f"{f.file} {f.message}: {f.element}" for f in found] == []
    pack = project / "submissions" / HOME
    assert sorted(path.name for path in pack.glob("*.pdf")) == sorted([WELSH_PDF, ENGLISH_PDF])
    for folder, name in [(HOME, WELSH_PDF), (f"{HOME}/en", ENGLISH_PDF)]:
        assert (pack / name).read_bytes() == (site / folder / name).read_bytes()
    message = email.message_from_bytes(next(pack.glob("*.eml")).read_bytes(),
                                       policy=policy.default)
    assert sorted(str(part.get_filename()) for part in message.iter_attachments()) == sorted(
        [WELSH_PDF, ENGLISH_PDF])


@pytest.mark.slow  # publishing renders both PDFs
def test_publishing_by_the_english_address_records_both_languages(tmp_path: Path) -> None:
    """The build's log names a version's own address (`strategy-site publish enghraifft/en`)
    when it is not recorded: that records the edition, every language of it."""
    data = _copy(tmp_path)
    assert main(["publish", f"{HOME}/en", "--data", str(data), "--site-url", PUBLISHED_AT,
                 "--today", "2025-02-01"]) == 0
    assert [r["language"] for r in _records(data)] == ["cy", "en"]


ONE_LANGUAGE = """\
title: Serious Violence Duty Strategy
borough: Example
partnership: Example Community Safety Partnership
edition: "2025"
template: free
published: 2025-01-31
contents: [about]
contact:
  team: Community Safety Team
  name: Alex Jones
  email: csp@enghraifft.example
"""


@pytest.mark.slow  # publishing renders the PDF
def test_an_edition_published_in_one_language_cannot_be_given_another_silently(
        tmp_path: Path) -> None:
    """Its record (written before languages, without one) stays the record of the edition's
    default language, so the added Welsh is a change to a published edition."""
    data = tmp_path / "strategy_data"
    (data / HOME).mkdir(parents=True)
    (data / HOME / "strategy.yaml").write_text(ONE_LANGUAGE, "utf-8")
    (data / HOME / "about.yaml").write_text(
        "title: About the strategy\nbody: This strategy is an example.\n", "utf-8")
    _publish(data)
    [record] = _records(data)
    assert "language" not in record  # as a record was before languages
    for part in (FIXTURES / "bilingual" / HOME).glob("*.yaml"):
        shutil.copy(part, data / HOME / part.name)
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    assert ("field 'edition': expected the data of edition '2025' in Welsh (cy) to be as "
            "published on 2025-01-31") in str(raised.value)
