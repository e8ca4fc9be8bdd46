"""Editions as records: every edition at its own address with its own PDF, earlier ones marked
as such, an edition history, and published editions that change only by recorded amendment."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from mkdocs.exceptions import Abort, PluginError

from conftest import (
    FIXTURES,
    PUBLISHED_AT,
    BuiltSite,
    build_site,
    copy_data,
    search_records,
    visible_text,
)
from strategy_site.cli import main
from strategy_site.loading import StrategyDataError, load_site

OLD_EDITION = """\
title: Serious Violence Duty Strategy
borough: Testshire
partnership: Testshire Community Safety Partnership
edition: "2024"
published: 2024-01-31
contact:
  team: Community Safety Team
  email: csp@testshire.example
"""


def _with_earlier_edition(tmp_path: Path) -> Path:
    """The minimal fixture (edition 2025) with its 2024 edition kept in editions/2024/."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    borough = data / "testshire"
    earlier = borough / "editions" / "2024"
    earlier.mkdir(parents=True)
    for path in borough.glob("*.yaml"):
        shutil.copy(path, earlier / path.name)
    (earlier / "strategy.yaml").write_text(OLD_EDITION, encoding="utf-8")
    objectives = earlier / "objectives.yaml"
    objectives.write_text(objectives.read_text(encoding="utf-8").replace(
        "Reduce knife crime", "Reduce robbery"), encoding="utf-8")
    strategy = borough / "strategy.yaml"
    strategy.write_text(strategy.read_text(encoding="utf-8") + (
        "changes: The 2025 refresh replaces the robbery objective with knife crime, after the "
        "new needs assessment.\n"), encoding="utf-8")
    return data


def _links(html: str) -> list[tuple[str, str]]:
    return [(href, visible_text(text)) for href, text in
            re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)]


def _target(site: BuiltSite, page: str, href: str) -> Path:
    """The file a relative link on a page points at."""
    target = (site.root / page / href).resolve()
    return target / "index.html" if target.is_dir() else target


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    tmp_path = tmp_path_factory.mktemp("editions")
    return build_site(tmp_path, _with_earlier_edition(tmp_path))


def test_the_newest_edition_is_at_home_and_its_own_address_leads_there(
    two_editions: BuiltSite,
) -> None:
    """One copy of each page to build, check and search; the edition's own address lasts
    (it becomes the edition's pages when a later edition replaces it)."""
    assert "Reduce knife crime" in two_editions.text("testshire/objectives/")
    for page, home in [("testshire/2025/objectives/", "testshire/objectives/index.html"),
                       ("testshire/2025/", "testshire/index.html")]:
        html = two_editions.html(page)
        refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', html)
        assert refresh, page
        assert _target(two_editions, page, refresh.group(1)) == two_editions.root / home
        assert f'<link rel="canonical" href="{refresh.group(1)}">' in html
        assert 'href="' + refresh.group(1) + '"' in _body(html)  # for no refresh
    sitemap = (two_editions.root / "sitemap.xml").read_text(encoding="utf-8")
    assert "testshire/2025/" not in sitemap and "testshire/2024/objectives/" in sitemap


def _body(html: str) -> str:
    """A redirect page's body."""
    return html.split("<body>", 1)[1]


def test_an_earlier_edition_says_so_and_links_to_the_newest(two_editions: BuiltSite) -> None:
    page = "testshire/2024/objectives/"
    assert "Reduce robbery" in two_editions.text(page)
    assert "This is not the latest edition." in two_editions.text(page)
    links = dict((text, href) for href, text in _links(two_editions.html(page)))
    latest = _target(two_editions, page, links["Read the latest edition (2025)"])
    assert latest == two_editions.root / "testshire" / "index.html"
    history = _target(two_editions, page, links["see every edition"])
    assert history == two_editions.root / "testshire" / "editions" / "index.html"


@pytest.mark.slow  # each edition's PDF
def test_each_edition_has_its_own_pdf(two_editions: BuiltSite) -> None:
    old = list((two_editions.root / "testshire" / "2024").glob("*.pdf"))
    new = list((two_editions.root / "testshire" / "2025").glob("*.pdf"))
    assert [p.name for p in old] == ["testshire-serious-violence-duty-strategy-2024.pdf"]
    assert [p.name for p in new] == ["testshire-serious-violence-duty-strategy-2025.pdf"]
    assert b"Reduce robbery" not in new[0].read_bytes()  # text is compressed; compare pages
    assert old[0].read_bytes() != new[0].read_bytes()


def test_the_history_lists_every_edition_with_date_and_changes(two_editions: BuiltSite) -> None:
    text = two_editions.text("testshire/editions/")
    assert text.index("2025 (latest)") < text.index("2024")
    assert "Published 31 January 2025" in text
    assert "Published 31 January 2024" in text
    assert "replaces the robbery objective with knife crime" in text
    html = two_editions.html("testshire/editions/")
    for href, text in _links(article_of(html)):
        if text.startswith(("Read the", "Download the")):
            assert _target(two_editions, "testshire/editions/", href).is_file(), href


def test_only_one_copy_of_the_newest_edition_is_searchable(two_editions: BuiltSite) -> None:
    places = {record["url"] for record in search_records(two_editions.root)}
    assert "/testshire/objectives/" in places
    assert "/testshire/2024/objectives/" in places
    assert not [place for place in places if place.startswith("/testshire/2025/")]


def article_of(html: str) -> str:
    match = re.search(r"<article[^>]*>(.*)</article>", html, re.S)
    assert match
    return match.group(1)


# --- records -------------------------------------------------------------------------------


def _publish(data: Path, *args: str) -> None:
    assert main(["publish", "testshire", "--data", str(data), "--site-url", PUBLISHED_AT,
                 "--today", "2025-02-01", *args]) == 0


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal fixture with its edition published by `strategy-site publish`, once for the
    module (publishing renders the PDF it keeps): each test changes a copy of it."""
    data = copy_data(tmp_path_factory.mktemp("published"), FIXTURES / "minimal")
    _publish(data)
    return data


def _manifest(data: Path) -> dict[str, list[dict[str, object]]]:
    loaded = yaml.safe_load((data / "testshire" / "published.yaml").read_text("utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.slow  # renders and keeps the PDF
def test_publishing_keeps_the_pdf_and_its_fingerprints(tmp_path: Path, published: Path) -> None:
    data = copy_data(tmp_path, published)
    [record] = _manifest(data)["records"]
    kept = data / "testshire" / str(record["pdf"])
    assert record["edition"] == "2025" and record["amendments"] == 0
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == record["pdf_sha256"]
    site = build_site(tmp_path, data)
    served = site.root / "testshire" / "testshire-serious-violence-duty-strategy-2025.pdf"
    assert served.read_bytes() == kept.read_bytes()  # as published, never re-rendered


def test_a_changed_published_edition_stops_the_build_until_amended(
        tmp_path: Path, published: Path) -> None:
    data = copy_data(tmp_path, published)
    objectives = data / "testshire" / "objectives.yaml"
    objectives.write_text(objectives.read_text("utf-8").replace(
        "Reduce knife crime", "Reduce knife and gun crime"), encoding="utf-8")
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    message = str(raised.value)
    assert "testshire/strategy.yaml:5: field 'edition': expected the data of edition '2025' " \
           "to be as published on 2025-01-31" in message
    assert "record it under 'amendments'" in message
    # The record is one fingerprint of the edition's data: which file changed is not known,
    # so the message names the edition's folder (and the shared definition it adopts).
    assert ("The change is in one of the files of strategy_data/testshire/: the record holds "
            "one fingerprint of them all, not one per file.") in message
    with pytest.raises((PluginError, Abort)):
        build_site(tmp_path / "refused", data)

    strategy = data / "testshire" / "strategy.yaml"
    strategy.write_text(strategy.read_text("utf-8") + (
        "amendments:\n  - date: 2025-03-04\n"
        "    reason: Objective 1 now names gun crime, as the partnership agreed.\n"),
        encoding="utf-8")
    site = build_site(tmp_path / "amended", data)
    history = site.text("testshire/editions/").replace(" :", ":")
    assert "The amended edition is not recorded yet." in history
    assert "Amendments 4 March 2025: Objective 1 now names gun crime, as the partnership " \
           "agreed." in history
    assert "Reduce knife and gun crime" in site.text("testshire/objectives/")
    assert "Amended 4 March 2025: Objective 1 now names gun crime" in \
        site.text("testshire/").replace(" :", ":")

    _publish(data)  # records the amended edition beside the original
    records = _manifest(data)["records"]
    assert [r["amendments"] for r in records] == [0, 1]
    assert records[1]["pdf"] == "published/2025-amendment-1.pdf"
    assert (data / "testshire" / "published" / "2025.pdf").is_file()  # the original is kept
    load_site(data)  # recorded again: the build checks against the amended record


def test_a_kept_pdf_that_changed_stops_the_build(tmp_path: Path, published: Path) -> None:
    data = copy_data(tmp_path, published)
    kept = data / "testshire" / "published" / "2025.pdf"
    kept.write_bytes(kept.read_bytes() + b"%")
    manifest = (data / "testshire" / "published.yaml").read_text("utf-8").splitlines()
    line = manifest.index("  pdf: published/2025.pdf") + 1
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    assert (f"testshire/published.yaml:{line}: field 'records[1].pdf': expected "
            "published/2025.pdf to be the PDF as published") in str(raised.value)


def test_a_recorded_edition_cannot_be_removed(tmp_path: Path) -> None:
    data = _with_earlier_edition(tmp_path)
    assert main(["publish", "testshire", "--edition", "2024", "--data", str(data),
                 "--site-url", PUBLISHED_AT, "--today", "2024-02-01"]) == 0
    shutil.rmtree(data / "testshire" / "editions")
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    assert ("field 'records[1].edition': expected the edition '2024' to exist (in editions/ "
            "or as the newest edition)") in str(raised.value)


def test_an_earlier_edition_lives_in_a_folder_named_by_it(tmp_path: Path) -> None:
    data = _with_earlier_edition(tmp_path)
    (data / "testshire" / "editions" / "2024").rename(data / "testshire" / "editions" / "old")
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    assert ("testshire/editions/old/strategy.yaml:4: field 'edition': expected the edition of "
            "the folder it is in ('old'), found '2024'") in str(raised.value)


def test_an_unpublished_edition_cannot_be_recorded(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    strategy = data / "testshire" / "strategy.yaml"
    strategy.write_text(strategy.read_text("utf-8").replace("published: 2025-01-31\n", ""),
                        encoding="utf-8")
    assert main(["publish", "testshire", "--data", str(data)]) == 2
    assert "has no 'published' date" in capsys.readouterr().err
    assert not (data / "testshire" / "published.yaml").exists()


def test_dates_written_after_publication_do_not_change_the_record(
        tmp_path: Path, published: Path) -> None:
    """Sending the strategy to the Home Office, or reviewing it, is recorded in strategy.yaml
    after publication: that is what happened to the edition, not what it says."""
    data = copy_data(tmp_path, published)
    strategy = data / "testshire" / "strategy.yaml"
    strategy.write_text(strategy.read_text("utf-8") + (
        "record:\n  submitted_to_home_office: 2025-02-03\n"
        "overrides:\n  - rule: home-office-submission\n    within_days: 14\n"
        "    reason: The Home Office agreed a later date.\n"), encoding="utf-8")
    load_site(data)  # no amendment needed


@pytest.mark.parametrize("link_to", ["the PDF", "its folder"])
def test_a_kept_pdf_read_through_a_link_is_refused(tmp_path: Path, published: Path,
                                                   link_to: str) -> None:
    """A kept PDF replaced by a link (to /dev/zero, or its folder to somewhere else) is not
    read: the record is of the data folder's own file."""
    data = copy_data(tmp_path, published)
    published = data / "testshire" / "published"
    if link_to == "the PDF":
        (published / "2025.pdf").unlink()
        (published / "2025.pdf").symlink_to("/dev/zero")
    else:
        shutil.move(published, tmp_path / "elsewhere")
        published.symlink_to(tmp_path / "elsewhere")
    manifest = (data / "testshire" / "published.yaml").read_text("utf-8").splitlines()
    line = manifest.index("  pdf: published/2025.pdf") + 1
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    link = ("expected a file or folder of the data folder itself, found a link (a symbolic "
            "link) to somewhere else")
    if link_to == "the PDF":
        assert (f"testshire/published.yaml:{line}: field 'records[1].pdf': expected "
                f"published/2025.pdf to be the PDF as published; {link}") in str(raised.value)
    else:
        assert f"strategy_data/testshire/published: {link}" in str(raised.value)


def test_a_kept_pdf_whose_record_was_removed_stops_the_build(
        tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`git rm published.yaml` and a change to the data: the strict build passed with an INFO
    line, and `publish` then replaced the kept published/2025.pdf without a word."""
    data = copy_data(tmp_path, published)
    kept = data / "testshire" / "published" / "2025.pdf"
    as_published = kept.read_bytes()
    (data / "testshire" / "published.yaml").unlink()
    objectives = data / "testshire" / "objectives.yaml"
    objectives.write_text(objectives.read_text("utf-8").replace(
        "Reduce knife crime", "Reduce knife and gun crime"), encoding="utf-8")
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    assert ("testshire/published/2025.pdf: expected every PDF in published/ to be named by a "
            "record in published.yaml, and none names this one") in str(raised.value)
    assert "git checkout published.yaml" in str(raised.value)
    with pytest.raises((PluginError, Abort)):
        build_site(tmp_path, data)
    assert main(["publish", "testshire", "--data", str(data), "--today", "2025-02-01"]) == 2
    assert "testshire/published/2025.pdf" in capsys.readouterr().err
    assert kept.read_bytes() == as_published
    assert not (data / "testshire" / "published.yaml").exists()


def test_a_release_that_adds_fields_keeps_the_fingerprints_of_editions_already_recorded() -> None:
    """Merging the places (region, area, vru) and the languages changed every edition's
    fingerprint: every council's published.yaml would have stopped its build after the
    upgrade. The fingerprints here were taken by the code before them (fixtures/recorded/)."""
    from strategy_site.publications import data_sha256

    recorded = FIXTURES / "recorded"
    expected = json.loads((recorded / "fingerprints.json").read_text("utf-8"))
    site = load_site(recorded)
    now = {edition.edition_address: data_sha256(edition, dict(site.definitions))
           for document in site.documents for edition in document.editions}
    assert now == expected


@pytest.mark.parametrize(("part", "title"), [
    ("foreword.yaml", "Foreword"), ("review-dates.yaml", "Review dates"),
    ("definition.yaml", "Definition of Serious Violence")])
def test_a_title_left_out_is_fingerprinted_as_the_english_default_it_was(
        tmp_path: Path, part: str, title: str) -> None:
    """Issue 19 moved these titles' defaults from the model to the catalog (none in the
    model now): an edition recorded while the model filled them in keeps its fingerprint."""
    from strategy_site.publications import data_sha256

    def fingerprint(given: str) -> str:
        data = tmp_path / ("given" if given else "left-out")
        shutil.copytree(FIXTURES / "recorded", data)
        home = data / "testshire"
        if part == "foreword.yaml":
            (home / part).write_text("body: Welcome.\nsignatories:\n  - name: Alex Jones\n",
                                     "utf-8")
        text = re.sub(r"^title: .*\n", "", (home / part).read_text("utf-8"), flags=re.M)
        (home / part).write_text(given + text, "utf-8")
        site = load_site(data)
        [edition] = [e for d in site.documents for e in d.editions if e.folder == "testshire"]
        return data_sha256(edition, dict(site.definitions))

    assert fingerprint("") == fingerprint(f"title: {title}\n")
