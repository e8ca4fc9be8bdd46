"""The PDFs: PDF/UA-1 machine checks, the same content as the web pages, the same bytes for the
same data, and the Home Office submission pack."""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import io
import itertools
import logging
import re
import shutil
import subprocess
import sys
from email import policy
from pathlib import Path

import pdfplumber
import pikepdf
import pypdf
import pytest
import weasyprint

from conftest import (
    DATA,
    FIXTURES,
    PUBLISHED_AT,
    REPO,
    BuiltSite,
    article,
    build_site,
    copy_data,
    search_index_text,
    visible_text,
)
from strategy_site import cli
from strategy_site.cli import main
from strategy_site.gate import pdf_checks
from strategy_site.loading import load_site
from strategy_site.output import write_atomically
from strategy_site.pdf import cover_links, write_pdf
from strategy_site.submission import ExampleAddress, SubmissionError, pack_terms

pytestmark = pytest.mark.slow  # renders PDFs (the real site's and its own) and opens them

BD = "barking-and-dagenham"


@pytest.fixture(scope="module")
def gate_findings(real_site: BuiltSite) -> list[pdf_checks.PdfFinding]:
    """What the accessibility gate's PDF checks find in the real site's PDFs."""
    return pdf_checks.site_pdf_findings(real_site.root)


def _found(findings: list[pdf_checks.PdfFinding], *rules: str) -> list[str]:
    return [f"{f.file} {f.message}: {f.element}" for f in findings if f.rule in rules]


def _pdfs(site: BuiltSite) -> list[Path]:
    """Each document's PDF at its home address (each edition's own copy is the same file)."""
    homes = [path.parent for path in site.root.rglob("editions/index.html")]
    return sorted(pdf for home in homes for pdf in home.parent.glob("*.pdf"))


def _struct_elements(root: pikepdf.Object) -> list[pikepdf.Dictionary]:
    """Structure elements in document order."""
    found: list[pikepdf.Dictionary] = []

    def walk(element: pikepdf.Object) -> None:
        kids = element.get("/K") if isinstance(element, pikepdf.Dictionary) else None
        items = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids else []
        for kid in items:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                found.append(kid)
                walk(kid)

    walk(root)
    return found


def ua_problems(data: bytes, lang: str = "en-GB") -> list[str]:
    """The PDF/UA-1 machine-checkable conditions this project promises, as a list of failures
    (`lang`: the document's language, as its catalog's /Lang must say it)."""
    problems = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        with pdf.open_metadata() as xmp:
            if xmp.get("pdfuaid:part") != "1":
                problems.append("XMP pdfuaid:part is not 1")
            if not xmp.get("dc:title"):
                problems.append("no dc:title")
        mark = pdf.Root.get("/MarkInfo")
        if mark is None or not mark.get("/Marked"):
            problems.append("MarkInfo/Marked is not true")
        preferences = pdf.Root.get("/ViewerPreferences")
        if preferences is None or not preferences.get("/DisplayDocTitle"):
            problems.append("DisplayDocTitle is not true")
        if str(pdf.Root.get("/Lang")) != lang:
            problems.append(f"catalog /Lang is {pdf.Root.get('/Lang')}, not {lang}")
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return [*problems, "no StructTreeRoot"]
        elements = _struct_elements(root)
        levels = [int(str(e.S)[2]) for e in elements if re.fullmatch(r"/H[1-6]", str(e.S))]
        if not levels or levels[0] != 1:
            problems.append(f"headings do not start at H1: {levels[:3]}")
        problems += [f"heading skips from H{a} to H{b}"
                     for a, b in itertools.pairwise(levels) if b > a + 1]
        for element in elements:
            if element.S == "/Figure" and not str(element.get("/Alt", "")).strip():
                problems.append("a Figure without Alt")
            if element.S == "/TH":
                attributes = element.get("/A")
                if not isinstance(attributes, pikepdf.Dictionary) or "/Scope" not in attributes:
                    problems.append("a TH without Scope")
            if element.S == "/Table" and not any(
                    kid.get("/S") in ("/THead", "/TBody") for kid in _struct_elements(element)):
                problems.append("a Table without rows")
        for number, page in enumerate(pdf.pages, 1):
            for annotation in page.get("/Annots", pikepdf.Array()):
                if annotation.get("/Subtype") != "/Link":
                    continue
                if not str(annotation.get("/Contents", "")).strip():
                    problems.append(f"page {number}: a link annotation without Contents")
                if "/StructParent" not in annotation:
                    problems.append(f"page {number}: a link annotation not tagged")
            fonts = page.get("/Resources", pikepdf.Dictionary()).get("/Font", {})
            for font in fonts.values():
                descendants = font.get("/DescendantFonts")
                descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
                if descriptor is None or not any(
                        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    problems.append(f"page {number}: font {font.get('/BaseFont')} not embedded")
    return sorted(set(problems))


def test_every_document_has_a_pdf(real_site: BuiltSite) -> None:
    homes = [str(p.parent.relative_to(real_site.root)) for p in _pdfs(real_site)]
    assert homes == ["barking-and-dagenham", "bexley", "bexley/delivery-2024", "bromley",
                     "bromley/strategic-group-reports"]


def test_every_pdf_passes_the_pdf_ua_machine_checks(real_site: BuiltSite) -> None:
    for path in _pdfs(real_site):
        assert ua_problems(path.read_bytes()) == [], path.name


def test_the_checks_catch_an_untagged_pdf() -> None:
    untagged = weasyprint.HTML(string='<html><body><h3>Skipped</h3><a href="https://example.org">'
                                      "x</a></body></html>").write_pdf()
    found = ua_problems(untagged)
    assert "XMP pdfuaid:part is not 1" in found
    assert "no StructTreeRoot" in found


def test_the_pdfua_package_finds_nothing(real_site: BuiltSite) -> None:
    """Its rule UA-14-001 (headings not empty) is skipped: the tool raises an error on our files
    (a bug in pdfua 0.1.3); `ua_problems` checks the headings itself."""
    for path in _pdfs(real_site):
        run = subprocess.run([sys.executable, "-m", "pdfua", "check", str(path)],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "result: PASS (no findings)" in run.stdout


def test_metadata_comes_from_the_data(real_site: BuiltSite) -> None:
    path = next(p for p in _pdfs(real_site) if p.parent.name == BD)
    with pikepdf.open(path) as pdf:
        info = pdf.docinfo
        assert str(info.Title) == "Barking and Dagenham: Serious Violence Duty Strategy"
        assert str(info.Author) == "Barking and Dagenham's Community Safety Partnership"
        assert "Serious Violence Duty Strategy" in str(info.Subject)
        assert "Police Crime Sentencing and Courts Act 2022" in str(info.Keywords)
        assert str(info.CreationDate).startswith("D:20240131")
        assert str(info.ModDate).startswith("D:20240131")


def _pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_pdf_holds_what_the_web_pages_hold(real_site: BuiltSite) -> None:
    text = _pdf_text(next(p for p in _pdfs(real_site) if p.parent.name == BD))
    objectives = re.findall(r'<h3 id="objective-\d+">([^<]+)</h3>',
                            real_site.html(f"{BD}/objectives/"))
    themes = re.findall(r'<li value="\d+"><strong>([^<]+)</strong>',
                        real_site.html(f"{BD}/themes/"))
    review = re.findall(r'<time datetime="[^"]+">([^<]+)</time>',
                        article(real_site.html(f"{BD}/introduction/")))
    amounts = set(re.findall(r"£[\d,]+(?:\.\d\d)?", real_site.text(f"{BD}/funding/")))
    assert len(objectives) == 6 and len(themes) == 7 and len(review) >= 12 and len(amounts) > 25
    expected = [visible_text(o) for o in objectives] + [visible_text(t) for t in themes] \
        + review + sorted(amounts)
    missing = [item for item in expected if item not in text]
    assert not missing


def test_two_builds_of_the_same_data_give_the_same_bytes(
        real_site: BuiltSite, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The second build renders every PDF again, in a cache of its own: with the shared cache
    it would be served the first build's bytes, and the test could not fail."""
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.strategy_site"):
        again = build_site(tmp_path, DATA, pdf_cache_dir=str(tmp_path / "empty-pdf-cache"))
    summary = [r.getMessage() for r in caplog.records if r.getMessage().startswith("PDFs: ")]
    assert summary and ", 0 from the cache, " in summary[-1], summary
    assert _pdfs(real_site), "the real site has no PDF to compare"
    for path in _pdfs(real_site):
        twin = again.root / path.relative_to(real_site.root)
        assert hashlib.sha256(twin.read_bytes()).hexdigest() == \
            hashlib.sha256(path.read_bytes()).hexdigest(), path.name


def test_the_landing_page_links_the_pdf_with_its_real_size_and_pages(
    real_site: BuiltSite,
) -> None:
    for path in _pdfs(real_site):
        home = path.parent.relative_to(real_site.root)
        html = real_site.html(f"{home}/")
        with pikepdf.open(path) as pdf:
            pages = len(pdf.pages)
        size = -(-path.stat().st_size // 1024)
        what = "the strategy" if len(home.parts) == 1 else "this document"
        assert (f'<a href="{path.name}" type="application/pdf">Download {what} '
                f"(PDF, {size} KB, {pages} pages)</a>") in html
        # The home page and the edition history give the same figures.
        history = real_site.html(f"{home}/editions/")
        assert f"(PDF, {size} KB, {pages} pages)</a>" in history
        assert f"PDF, {size} KB, {pages} pages<span" in real_site.html("")


def test_no_page_is_left_waiting_for_a_pdf(real_site: BuiltSite) -> None:
    """PDFs render while the pages are built; their sizes are filled in at the end."""
    for path in real_site.html_files():
        assert "strategy-site:pdf-" not in path.read_text(encoding="utf-8"), path
    assert "strategy-site:pdf-" not in search_index_text(real_site.root)


def test_a_table_across_pages_is_one_table_and_its_repeated_header_an_artifact() -> None:
    rows = "".join(f"<tr><th scope='row'>Item {n}</th><td>£{n},000</td></tr>" for n in range(90))
    html = ("<html lang='en-GB'><head><title>Long table</title><style>thead{display:"
            "table-header-group} tr{break-inside:avoid}</style></head><body><h1>Long</h1>"
            "<table><caption>A long table</caption><thead><tr><th scope='col'>Item</th>"
            f"<th scope='col'>Amount</th></tr></thead><tbody>{rows}</tbody></table></body></html>")
    data = write_pdf(html)
    assert data is not None
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 2
        elements = _struct_elements(pdf.Root.StructTreeRoot)
        tables = [e for e in elements if e.S == "/Table"]
        assert len(tables) == 1
        parts = [kid.S for kid in _struct_elements(tables[0]) if kid.get("/P") == tables[0]]
        assert parts.count("/THead") == 1
        assert sum(1 for e in _struct_elements(tables[0]) if e.S == "/TR") == 91
        second_page = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[1]))
        assert b"/Artifact <<" in second_page and b"/Pagination" in second_page
    assert ua_problems(data) == []


def _marked_text(data: bytes) -> tuple[str, str]:
    """The text of a PDF's artifacts and the text of its tagged content, page after page."""
    artifacts, tagged = [], []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                (artifacts if char.get("tag") == "Artifact" else tagged).append(char["text"])
    return "".join(artifacts), "".join(tagged)


def test_the_running_header_and_footer_are_artifacts() -> None:
    """WeasyPrint tags the @page margin boxes but leaves them out of the structure tree."""
    html = ("<html lang='en-GB'><head><title>Running</title><style>@page { @top-center { "
            "content: 'Running title' } @bottom-center { content: 'Page ' counter(page) } }"
            "</style></head><body><h1>Heading</h1><p>Body text.</p></body></html>")
    data = write_pdf(html)
    assert data is not None
    artifacts, tagged = _marked_text(data)
    assert artifacts == "Running titlePage 1"
    assert tagged == "HeadingBody text."
    with pikepdf.open(io.BytesIO(data)) as pdf:
        stream = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[0]))
        assert stream.count(b"/Artifact << /Type /Pagination >> BDC") == 2
    assert ua_problems(data) == []


def test_every_tagged_piece_of_the_real_pdfs_is_in_the_structure_tree(
    gate_findings: list[pdf_checks.PdfFinding],
) -> None:
    assert _found(gate_findings, "pdf-no-structure-parent", "pdf-unmarked-content") == []


def _link_annotations(pdf: pikepdf.Pdf, page: int) -> list[pikepdf.Dictionary]:
    return [a for a in pdf.pages[page].get("/Annots", pikepdf.Array())
            if a.get("/Subtype") == "/Link"]


def test_link_annotations_say_the_links_words() -> None:
    """WeasyPrint writes the target ('part-foreword') as /Contents; a reader hears that."""
    html = ("<html lang='en-GB'><head><title>Links</title></head><body><h1>Links</h1><p>"
            "<a href='#part-foreword'>Foreword</a> and <a href='https://www.example.org/'>the "
            "<em>example</em>\n site</a>, <a href='#part-foreword' aria-label='Read the "
            "foreword'>here</a>.</p><section id='part-foreword'><h2>Foreword</h2></section>"
            "</body></html>")
    data = write_pdf(html)
    assert data is not None
    with pikepdf.open(io.BytesIO(data)) as pdf:
        contents = [str(a.Contents) for a in _link_annotations(pdf, 0)]
    # WeasyPrint gives the <em> inside the second link an annotation of its own.
    assert contents == ["Foreword", "the example site", "the example site", "Read the foreword"]
    assert ua_problems(data) == []


def test_no_link_of_the_real_pdfs_is_described_by_an_identifier(
    gate_findings: list[pdf_checks.PdfFinding],
) -> None:
    assert _found(gate_findings, "pdf-link-contents-identifier") == []


def test_each_contents_entry_is_one_link_with_its_page_and_no_leader_text(
    real_site: BuiltSite,
) -> None:
    """The entries were three links inside each other, with a row of full stops (the CSS
    leader) tagged one by one: about a thousand full stops for a reader to hear."""
    path = next(p for p in _pdfs(real_site) if p.parent.name == BD)
    with pikepdf.open(path) as pdf:
        elements = _struct_elements(pdf.Root.StructTreeRoot)
        links = [e for e in elements if e.S == "/Link"]
        assert not [link for link in links
                    if any(kid.S == "/Link" for kid in _struct_elements(link))]
        destinations = {str(name): target for name, target
                        in pikepdf.NameTree(pdf.Root.Names.Dests).items()}
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, 1)}
        entries = [(str(a.Contents), pages[destinations[str(a.Dest)][0].objgen])
                   for a in _link_annotations(pdf, 1)]
    assert len(entries) >= 2 * 10  # the title's annotation and the page number's
    with pdfplumber.open(path) as document:
        contents_page = document.pages[1]
        lines = contents_page.extract_text().splitlines()
        text = " ".join(lines)
        full_stops = sum(1 for char in contents_page.chars
                         if char["text"] == "." and char.get("tag") != "Artifact")
    assert full_stops <= 2 * len(lines)  # the list numbers' and titles' own
    for title, page in entries:
        assert f"{title} {page}" in text, (title, page, lines)


def test_a_drawing_taller_than_a_page_is_scaled_to_fit_it_not_cut_off(
    real_site: BuiltSite, gate_findings: list[pdf_checks.PdfFinding],
) -> None:
    """Bexley's outcomes framework (1,497 px tall) ran off the bottom of its page, over the
    footer; its governance chart (988 px) too. Scaled, its text stays at least 6 pt."""
    bexley = [f for f in gate_findings if f.file.startswith("bexley/")]
    assert _found(bexley, "pdf-outside-content-box", "pdf-outside-page") == []
    path = next(p for p in _pdfs(real_site) if p.parent.name == "bexley")
    with pdfplumber.open(path) as document:
        page = next(page for page in document.pages
                    if "Police and Crime Plan Outcomes Framework" in (page.extract_text() or "")
                    and any(c["text"] == "V" and c.get("tag") == "Figure" for c in page.chars))
        drawn = [c for c in page.chars if c.get("tag") == "Figure"]
    text = "".join(c["text"] for c in drawn)
    assert "OurVision" in text and "Londonersareprotectedinthepublic,privateandonline." in text
    assert min(c["size"] for c in drawn) >= 6


def test_every_pdf_passes_the_gates_pdf_checks(
    gate_findings: list[pdf_checks.PdfFinding],
) -> None:
    assert [f"{f.file} {f.message}: {f.element}" for f in gate_findings] == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "strategy.pdf"
    target.write_bytes(b"the published edition")
    with pytest.raises(TypeError):
        write_atomically(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"the published edition"
    assert [p.name for p in tmp_path.iterdir()] == ["strategy.pdf"]


# --- the submission pack --------------------------------------------------------------


def test_the_submission_pack_is_ready_to_send(tmp_path: Path, real_site: BuiltSite) -> None:
    out = tmp_path / "pack"
    run = subprocess.run(
        [sys.executable, "-m", "strategy_site.cli", "submission", BD, "--data", str(DATA),
         "--out", str(out), "--site-url", "https://strategies.council.gov.uk/"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert run.returncode == 0, run.stderr
    assert "Send to seriousviolenceduty@homeoffice.gov.uk by 2024-02-07" in run.stdout
    pdf = next(out.glob("*.pdf"))
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert (out / f"{pdf.name}.sha256").read_text() == f"{digest}  {pdf.name}\n"
    message = email.message_from_bytes(next(out.glob("*.eml")).read_bytes(),
                                       policy=policy.default)
    assert message["To"] == "seriousviolenceduty@homeoffice.gov.uk"
    assert message["From"] == "CSP@lbbd.gov.uk"
    body = message.get_body(("plain",)).get_content()
    assert "published on 31 January 2024" in body
    assert "by 7 February 2024" in body
    assert "https://strategies.council.gov.uk/barking-and-dagenham/" in body
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == pdf.name
    assert attachment.get_content() == pdf.read_bytes()


def test_no_pack_is_made_with_the_example_site_url(tmp_path: Path, real_site: BuiltSite) -> None:
    """Issue 16: site_url left at the example address was printed on the PDF's cover and in
    the email to the Home Office without a word. The build (this repository's mkdocs.yml has
    the example address) makes no pack; the command refuses, naming the line to set."""
    assert not (real_site.root.parent / "project" / "submissions" / BD).exists()
    run = subprocess.run(
        [sys.executable, "-m", "strategy_site.cli", "submission", BD, "--data", str(DATA),
         "--out", str(tmp_path / "pack")], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert run.returncode == 2
    line = next(n for n, row in enumerate(
        (REPO / "mkdocs.yml").read_text(encoding="utf-8").splitlines(), 1)
        if row.startswith("site_url:"))
    assert (f"{BD}: no submission pack: the site's address is still the example address "
            "(https://www.example.org/") in run.stderr
    assert (f"set site_url (line {line} of {REPO / 'mkdocs.yml'}) to the address the site is "
            "published at") in run.stderr
    assert not (tmp_path / "pack").exists()
    given = subprocess.run(
        [sys.executable, "-m", "strategy_site.cli", "submission", BD, "--data", str(DATA),
         "--out", str(tmp_path / "pack"), "--site-url", "https://council.example.com/svd/"],
        capture_output=True, text=True, timeout=300, cwd=REPO)
    assert given.returncode == 2 and "set --site-url to the address" in given.stderr


def test_what_stops_a_pack_is_known_before_its_pdf_is_rendered() -> None:
    """The command rendered the strategy's PDF (seconds of an officer's wait) before it said the
    site's address is still the example one. What a pack needs besides its PDFs is now known
    without them (`pack_terms`), and the command asks it first."""
    site = load_site(DATA)
    strategy = next(s for s in site.latest_editions if s.home == BD)
    with pytest.raises(ExampleAddress, match=r"still the example address \(https://www.exa"):
        pack_terms(strategy, site.timetable, ("https://www.example.org/svd/",))
    with pytest.raises(ExampleAddress, match=r"example address \(https://cy.example.org/"):
        pack_terms(strategy, site.timetable, ("https://council.gov.uk/svd/",
                                              "https://cy.example.org/svd/"))  # its Welsh
    terms = pack_terms(strategy, site.timetable, ("https://council.gov.uk/svd/", None))
    assert terms.address == "seriousviolenceduty@homeoffice.gov.uk"
    assert (terms.published, terms.due, terms.within_days) == (
        strategy.identity.published, dt.date(2024, 2, 7), 7)


@pytest.mark.parametrize("address", [
    "www.example.org/svd/",  # --site-url without its scheme
    "https://www.example.org./svd/",  # the root's dot
    "https://strategies.council.test/", "https://svd.example/", "https://svd.invalid/",
    "http://localhost:8000/", "http://svd.localhost/", "http://127.0.0.1:8000/",
    "http://10.0.0.5/svd/", "http://192.168.1.20/", "http://[::1]:8000/",
    "https://intranet.internal/svd/", "http://printer.local/", "http://nas.home.arpa/",
    "http://intranet/svd/", "http://127.1/", "http://2130706433/", "www.example.org/svd//",
    "https://\uff45xample.org/",  # a full-width e
    "https://WWW.EXAMPLE.ORG/", "http://192.0.2.4/",
])
def test_no_pack_gives_an_address_no_one_else_could_read_it_at(address: str) -> None:
    """An audit: `www.example.org/svd/` (no scheme), `https://www.example.org./` (the root's
    dot) and local addresses (localhost, a private IP address) were taken as where a strategy
    is published, and printed on the PDF's cover and in the email to the Home Office."""
    site = load_site(DATA)
    strategy = next(s for s in site.latest_editions if s.home == BD)
    with pytest.raises(ExampleAddress, match=re.escape(f"({address})")):
        pack_terms(strategy, site.timetable, (address,))
    for public in ("https://www.lbbd.gov.uk/svd/", "https://example.org.uk/", "http://8.8.8.8/",
                   "https://notexample.org/", "https://example.org.evil.com/", "www.lbbd.gov.uk"):
        assert pack_terms(strategy, site.timetable, (public,)).within_days == 7


def test_the_commands_take_only_a_full_site_address(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--site-url www.example.org/svd/` was taken as it was (mkdocs.yml's site_url is checked
    by MkDocs; the option was not): the commands now check it as MkDocs checks site_url."""
    data = copy_data(tmp_path, DATA)
    for command in (["submission", BD, "--out", str(tmp_path / "pack")],
                    ["publish", BD, "--today", "2024-02-01"]):
        assert main([*command, "--data", str(data), "--site-url", "www.lbbd.gov.uk/svd/"]) == 2
        said = capsys.readouterr().err
        assert ("--site-url www.lbbd.gov.uk/svd/: expected the site's full address, such as "
                "https://www.council.gov.uk/serious-violence/") in said, said
        assert main([*command, "--data", str(data), "--site-url",
                     "https://www.lbbd.gov.uk/svd/?page=1"]) == 2
        assert "found a query ('?') in it" in capsys.readouterr().err
    assert not (tmp_path / "pack").exists()
    assert not (data / BD / "published.yaml").exists()


def test_an_edition_is_never_recorded_with_an_address_no_one_could_read_it_at(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An audit: `publish` kept a PDF whose cover gave the example site_url, for good; the
    pack then sent that PDF under the real --site-url, its cover and its email disagreeing."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    config = tmp_path / "mkdocs.yml"  # the site's, beside the data folder, still the example
    (tmp_path / "docs").mkdir()
    config.write_text("site_name: Testshire\nsite_url: https://www.example.org/svd/\n",
                      encoding="utf-8")
    assert main(["publish", "testshire", "--data", str(data), "--today", "2025-02-01"]) == 2
    said = capsys.readouterr().err
    assert ("testshire: not recorded: the site's address is still the example address "
            "(https://www.example.org/svd/), which the kept PDF's cover would give for good as "
            f"where the strategy is published; set site_url (line 2 of {config}) to the "
            "address the site is published at") in said, said
    assert main(["publish", "testshire", "--data", str(data), "--today", "2025-02-01",
                 "--site-url", "http://localhost:8000/"]) == 2
    assert ("the site's address is a local address (http://localhost:8000/), reachable only "
            "from this computer or its own network, which the kept PDF's cover would give"
            ) in capsys.readouterr().err
    assert not (data / "testshire" / "published.yaml").exists()
    assert not (data / "testshire" / "published").exists()


def test_a_pdf_recorded_with_the_example_address_is_not_sent(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    """An edition recorded before `publish` refused the example address: its kept PDF's cover
    gives www.example.org. The pack sends the kept PDF byte for byte, so it is refused, with
    the way out (an amendment, recorded again with the site's address), which then works."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
    with pytest.MonkeyPatch.context() as earlier:  # as an earlier release recorded it
        earlier.setattr(cli, "example_address", lambda address: False)
        assert main(["publish", "testshire", "--data", str(data), "--today", "2025-02-01",
                     "--site-url", "https://www.example.org/svd/"]) == 0
    capsys.readouterr()
    out = tmp_path / "pack"
    pack = ["submission", "testshire", "--data", str(data), "--out", str(out),
            "--site-url", PUBLISHED_AT]
    assert main(pack) == 2
    said = capsys.readouterr().err
    assert ("testshire: no submission pack: testshire/published.yaml records edition 2025 "
            "with a PDF whose cover gives the example address (https://www.example.org/svd/"
            "testshire/2025/) as where the strategy is published, and the pack sends a "
            "recorded PDF as it was kept") in said, said
    assert ("add an entry to 'amendments' in its strategy.yaml (the date and the reason), "
            "then run `strategy-site publish testshire` with site_url (or --site-url) set to "
            "the address the site is published at") in said
    assert "; set --site-url" not in said  # the address given is right: the record is not
    assert not out.exists()
    # The build makes no pack of it either, and says why (a note: this pack was due long ago).
    caplog.set_level(logging.INFO)
    build_site(tmp_path / "built", data, caplog, site_url=PUBLISHED_AT, pdfs=True)
    assert any(record.getMessage().startswith(
        "testshire: no submission pack: testshire/published.yaml records edition 2025 with a "
        "PDF whose cover gives the example address") for record in caplog.records)
    assert not (tmp_path / "built" / "project" / "submissions" / "testshire").exists()
    strategy = data / "testshire" / "strategy.yaml"
    strategy.write_text(strategy.read_text("utf-8") + (
        "amendments:\n  - date: 2025-02-03\n"
        "    reason: The cover now gives the address the strategy is published at.\n"),
        encoding="utf-8")
    assert main(["publish", "testshire", "--data", str(data), "--site-url", PUBLISHED_AT,
                 "--today", "2025-02-03"]) == 0
    assert main(pack) == 0, capsys.readouterr().err
    sent = next(out.glob("*.pdf")).read_bytes()
    assert sent == (data / "testshire" / "published" / "2025-amendment-1.pdf").read_bytes()
    assert cover_links(sent) == [f"{PUBLISHED_AT}testshire/2025/"]


def test_a_submission_rule_lacking_what_the_pack_needs_is_named(tmp_path: Path) -> None:
    """The message said "strategy_data/timetable.yaml has no rule with an address and
    'within_days'" whatever the folder and whichever was missing; a rule counted in months
    was refused without a word why."""
    data = copy_data(tmp_path, DATA)
    (data / "timetable.yaml").write_text(
        "extends: statutory\nrules:\n  - id: home-office-submission\n"
        "    checks: The strategy is sent to the Home Office within a month\n"
        "    concerns: Home Office\n    templates: [serious-violence-duty]\n"
        "    applies_to: {region: [england, wales]}\n    event: submitted_to_home_office\n"
        "    starts: published\n    within_months: 1\n", encoding="utf-8")
    site = load_site(data)
    strategy = next(s for s in site.latest_editions if s.home == BD)
    with pytest.raises(SubmissionError) as raised:
        pack_terms(strategy, site.timetable, ("https://www.lbbd.gov.uk/svd/",))
    assert str(raised.value) == (
        "the data folder's timetable.yaml: its 'home-office-submission' rule has no 'address' "
        "(where the pack is sent) and no 'within_days' (within how many days of publication "
        "it is due; 'within_months' is not enough for the email): the pack needs both")
    with pytest.raises(SubmissionError, match=re.escape(
            "the data folder's timetable.yaml has no 'home-office-submission' rule: the pack "
            "needs one")):
        pack_terms(strategy, None, ("https://www.lbbd.gov.uk/svd/",))


def test_no_pack_without_a_publication_date(tmp_path: Path) -> None:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
    strategy = data / "testshire" / "strategy.yaml"
    strategy.write_text(strategy.read_text("utf-8").replace("published: 2025-01-31\n", ""),
                        encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "strategy_site.cli", "submission", "testshire", "--data",
         str(data), "--out", str(tmp_path / "pack")],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert run.returncode == 2
    assert "testshire: strategy.yaml has no 'published' date" in run.stderr
    assert not (tmp_path / "pack").exists()


def test_no_pack_for_a_document_the_submission_rule_does_not_concern(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "strategy_site.cli", "submission", "bexley", "--data", str(DATA),
         "--out", str(tmp_path / "pack")],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert run.returncode == 2
    assert ("bexley: the timetable's 'home-office-submission' rule does not concern this "
            "document: the rule is for the serious-violence-duty template (and those extending "
            "it); this document's is free") in run.stderr
    assert not (tmp_path / "pack").exists()


def test_the_pack_keeps_to_a_boroughs_agreed_period(tmp_path: Path) -> None:
    """An override in strategy.yaml (the Home Office agreed 14 days) moves the pack's due date
    as it moves the Key dates page."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
    strategy = data / "testshire" / "strategy.yaml"
    strategy.write_text(strategy.read_text("utf-8") + (
        "overrides:\n  - rule: home-office-submission\n    within_days: 14\n"
        "    reason: The Home Office agreed a later date.\n"), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "strategy_site.cli", "submission", "testshire", "--data",
         str(data), "--out", str(tmp_path / "pack"), "--site-url", PUBLISHED_AT],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert run.returncode == 0, run.stderr
    assert "by 2025-02-14 (published 2025-01-31)" in run.stdout
    message = email.message_from_bytes(
        next((tmp_path / "pack").glob("*.eml")).read_bytes(), policy=policy.default)
    body = message.get_body(("plain",))
    assert body is not None and "within 14 days" in " ".join(body.get_content().split())
