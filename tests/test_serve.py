"""`mkdocs serve` rebuilds the preview when an officer saves a YAML file."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from pypdf import PdfReader

from conftest import FIXTURES, article, build_site, copy_data, make_project

pytestmark = pytest.mark.slow  # runs `mkdocs serve` and waits for it to reload


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, text: str, seconds: float, every: float = 0.3) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in _get(url).decode("utf-8", "replace"):
            return True
        time.sleep(every)
    return False


def _get(url: str) -> bytes:
    """What the server serves at `url`, or nothing while it is not up or is rebuilding."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bytes(response.read())
    except (urllib.error.URLError, OSError):
        return b""


@contextmanager
def _ctrl_c_as_in_a_terminal() -> Iterator[None]:
    """While the server starts: Ctrl-C delivered and handled, as in an officer's terminal,
    whatever this test process has blocked or ignored. A run started in the background by a
    shell without job control (`make test &` in a script, nohup) has SIGINT ignored, as POSIX
    says; the server inherited that, never saw SIGINT, and was killed with its folders left."""
    blocked = signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


@contextmanager
def _serving(project: Path, site_url: str | None = None,
             env: dict[str, str] | None = None, log: Path | None = None) -> Iterator[str]:
    """`mkdocs serve` of the project on a free port: the address of its site's root (under
    the path of `site_url`, if given, else of mkdocs.yml's), with `env` set; its log, with
    MkDocs' and the plugin's debug lines, written to `log` if given."""
    port = _free_port()
    output = subprocess.DEVNULL if log is None else log.open("wb")
    if log is not None:  # what the server inherits of SIGINT (a blocked or ignored one lasts)
        output.write(f"[test] this process: SIGINT {signal.getsignal(signal.SIGINT)}, blocked "
                     f"{sorted(signal.pthread_sigmask(signal.SIG_BLOCK, []))}\n".encode())
        output.flush()
    with _ctrl_c_as_in_a_terminal():
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}",
             *(["--verbose"] if log is not None else [])],
            cwd=project, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
            stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        if site_url is None:
            config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
            site_url = config.get("site_url")
        root = urlsplit(site_url or "/").path  # serve mirrors site_url's path
        yield f"http://127.0.0.1:{port}{root}"
    finally:
        server.send_signal(signal.SIGINT)  # as an officer stops it: the plugin cleans up
        stopped = time.monotonic()
        try:
            server.wait(timeout=30)
            ended = f"ended with status {server.returncode}"
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
            ended = "did not stop: killed"
        if log is not None:
            output.write(f"[test] SIGINT sent; the server {ended} after "
                         f"{time.monotonic() - stopped:.1f} s\n".encode())
            output.close()


def test_the_preview_reloads_when_the_data_changes(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    project = make_project(tmp_path, data)
    with _serving(project) as root:
        url = f"{root}barking-and-dagenham/foreword/"
        assert _wait_for(url, "Councillor Syed Ghani", 60)
        foreword = data / "barking-and-dagenham" / "foreword.yaml"
        text = foreword.read_text(encoding="utf-8")
        assert "[Cabinet Member for" in text
        foreword.write_text(text.replace("[Cabinet Member for", "[Lead Cabinet Member for"),
                            encoding="utf-8")
        assert _wait_for(url, "Lead Cabinet Member", 60)

PDF = "testshire-serious-violence-duty-strategy-2025.pdf"


def test_the_preview_shows_a_change_before_its_pdf_which_follows(tmp_path: Path) -> None:
    """Issue 18: the preview waited for the PDF (WeasyPrint, seconds) before it showed the
    changed page. Now the page is served first, saying the PDF is being made, with no link to
    a stale one; the PDF of the changed data follows, and the search index with it."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    project = make_project(tmp_path, data, pdf_cache_dir=str(tmp_path / "cache"))
    with _serving(project) as root:
        landing, objectives = f"{root}testshire/", f"{root}testshire/objectives/"
        assert _wait_for(landing, "Download the strategy (PDF,", 120), "no PDF at first"
        assert _get(f"{root}pagefind/pagefind.js"), "no search at first"
        path = data / "testshire" / "objectives.yaml"
        path.write_text(path.read_text("utf-8").replace("Reduce knife crime", "Reduce robbery"),
                        encoding="utf-8")
        assert _wait_for(objectives, "Reduce robbery", 60, every=0.02)
        page = _get(landing).decode("utf-8")
        assert "being made for this preview" in page and PDF not in page
        assert _get(f"{root}pagefind/pagefind.js"), "search went while the PDF was made"
        assert _wait_for(landing, "Download the strategy (PDF,", 120), "the PDF never came"
        made = PdfReader(io.BytesIO(_get(f"{root}testshire/{PDF}")))
        text = " ".join(page.extract_text() for page in made.pages)
        assert "Reduce robbery" in text and "Reduce knife crime" not in text
        assert _get(f"{root}pagefind/pagefind.js")


def test_a_build_waits_for_its_pdfs_as_before(tmp_path: Path) -> None:
    """Only the preview serves pages before their PDFs: `mkdocs build` writes every PDF."""
    site = build_site(tmp_path, FIXTURES / "minimal")
    assert (site.root / "testshire" / PDF).read_bytes().startswith(b"%PDF-")
    assert "Download the strategy (PDF," in site.text("testshire/")
    assert "being made" not in site.text("testshire/") + site.text("")


def test_the_preview_publishes_at_the_configured_address_and_shares_the_cache(
        tmp_path: Path) -> None:
    """Issue 18: `mkdocs serve` puts its own address (http://127.0.0.1:port/) in site_url
    before the plugin reads it, so the preview's PDF said the strategy was published at
    127.0.0.1, and its cache key (which holds the address) missed at every start of the server
    (a new port, a new key) and in the build after: every PDF was rendered again. The preview
    takes site_url as mkdocs.yml gives it, read as MkDocs reads it (here from `!ENV`)."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    cache = tmp_path / "cache"
    project = make_project(tmp_path, data, pdf_cache_dir=str(cache))
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert text.count("site_url:") == 1
    config.write_text(re.sub(r"^site_url:.*$", "site_url: !ENV [TESTSHIRE_SITE_URL, "
                             "'https://unset.invalid/']", text, flags=re.M), encoding="utf-8")
    address = "https://www.testshire.gov.uk/community-safety/"
    env = {"TESTSHIRE_SITE_URL": address}

    def served_pdf() -> str:
        with _serving(project, address, env) as root:
            assert _wait_for(f"{root}testshire/", "Download the strategy (PDF,", 120)
            made = PdfReader(io.BytesIO(_get(f"{root}testshire/{PDF}")))
            return " ".join(page.extract_text() for page in made.pages)

    text = served_pdf()
    assert f"On the web\n{address}testshire/" in text, text[:400]
    assert "127.0.0.1" not in text
    cached = sorted(cache.glob("*/*.pdf"))
    assert len(cached) == 1
    served_pdf()
    assert sorted(cache.glob("*/*.pdf")) == cached, "the second start rendered the PDF again"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "site")],
                   cwd=project, env={**os.environ, **env}, check=True, timeout=300)
    assert sorted(cache.glob("*/*.pdf")) == cached, "the build rendered the served PDF again"


def _as_written(page: bytes) -> bytes:
    """A served page as the build wrote it: without the script the server adds to each page
    it serves, which holds the build's number."""
    return re.sub(rb"<script>\s*var livereload = .*?</script>", b"", page, flags=re.S)


def _two_partnerships(tmp_path: Path) -> Path:
    """Testshire and Otherton (a copy), both adopting the data's own shared definition."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    other = data / "otherton"
    shutil.copytree(data / "testshire", other)
    for path in other.glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("Testshire", "Otherton"),
                        encoding="utf-8")
    (data / "shared").mkdir()
    (data / "shared" / "county-definition.yaml").write_text(
        "name: County definition of serious violence\nsource: The County Compact\n"
        "statement: Violence that causes serious harm in the county.\n", encoding="utf-8")
    for home in ("testshire", "otherton"):
        (data / home / "definition.yaml").write_text("adopts: county-definition\n",
                                                     encoding="utf-8")
    return data


def test_the_preview_renders_again_every_page_a_save_changes(tmp_path: Path) -> None:
    """Issue 18: a preview build takes a page as the build before rendered it when nothing it
    is rendered from changed. A save must still change every page it shows on: a page's title
    is in the navigation of every page of its partnership (not in their articles), and a
    shared definition is on the pages of every partnership that adopts it. The pages that
    did not change are the same bytes as the build before."""
    data = _two_partnerships(tmp_path)
    project = make_project(tmp_path, data, pdfs=False)
    with _serving(project) as root:
        engagement, other = f"{root}testshire/engagement/", f"{root}otherton/engagement/"
        assert _wait_for(engagement, "We listen to young people", 60)
        assert "Objectives" in _get(engagement).decode("utf-8")
        unchanged = _as_written(_get(other))
        path = data / "testshire" / "objectives.yaml"
        path.write_text(path.read_text("utf-8").replace("title: Objectives",
                                                        "title: Our priorities"), "utf-8")
        assert _wait_for(engagement, "Our priorities", 60), "stale navigation"
        assert "Our priorities" not in article(_get(engagement).decode("utf-8"))
        assert _get(f"{root}testshire/funding/").decode("utf-8").count("Our priorities")
        assert _as_written(_get(other)) == unchanged, "another partnership's page changed"
        shared = data / "shared" / "county-definition.yaml"
        shared.write_text(shared.read_text("utf-8").replace("serious harm", "lasting harm"),
                          "utf-8")
        for home in ("testshire", "otherton"):
            assert _wait_for(f"{root}{home}/definition/", "lasting harm", 60), home


_CONVERTED = re.compile(r"Preview: (\d+) of (\d+) hand-written pages converted as in the build")


def _conversions_since(log: Path, line: int) -> list[tuple[int, int]]:
    """What each preview build after the log's `line`-th line said of the hand-written pages:
    (converted as in the build before, of all)."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()[line:]
    return [(int(found[1]), int(found[2])) for found in map(_CONVERTED.search, lines) if found]


def _log_length(log: Path) -> int:
    return len(log.read_text(encoding="utf-8", errors="replace").splitlines())


def test_the_preview_converts_a_hand_written_page_again_when_it_or_the_files_change(
        tmp_path: Path) -> None:
    """Issue 18: a preview build takes a hand-written page's HTML as the build before
    converted it from the same Markdown, page address, site files and settings. A save of
    the data converts none again; a new page (links resolve against every file) converts
    all again; an edited page is converted again, alone, and shows its change."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    project = make_project(tmp_path, data, pdfs=False)
    notes = project / "docs" / "notes.md"
    notes.write_text("# Notes\n\nFirst version. See [the home page](index.md).\n", "utf-8")
    log = tmp_path / "serve.log"
    with _serving(project, log=log) as root:
        assert _wait_for(f"{root}notes/", "First version", 60)
        assert 'href="../"' in _get(f"{root}notes/").decode("utf-8"), "link not resolved"
        time.sleep(2)  # the rebuild the search index rings for, if any
        mark = _log_length(log)
        introduction = data / "testshire" / "introduction.yaml"
        text = introduction.read_text(encoding="utf-8")
        introduction.write_text(text.replace("how Testshire", "how Testshire County"), "utf-8")
        assert _wait_for(f"{root}testshire/introduction/", "how Testshire County", 60)
        seen = _conversions_since(log, mark)
        assert seen and all(before == of for before, of in seen), seen
        pages = seen[0][1]
        mark = _log_length(log)
        (project / "docs" / "added.md").write_text("# Added\n\nA new page.\n", "utf-8")
        assert _wait_for(f"{root}added/", "A new page", 60)
        assert (0, pages + 1) in _conversions_since(log, mark)
        mark = _log_length(log)
        notes.write_text(notes.read_text("utf-8").replace("First", "Second"), "utf-8")
        assert _wait_for(f"{root}notes/", "Second version", 60)
        assert (pages, pages + 1) in _conversions_since(log, mark)
        assert 'href="../"' in _get(f"{root}notes/").decode("utf-8")


def test_the_preview_converts_every_page_again_when_an_extension_reads_other_files(
        tmp_path: Path) -> None:
    """A page that includes another file (pymdownx.snippets) changes when that file does, its
    own text unchanged: with such an extension on, the preview keeps no conversion."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    project = make_project(tmp_path, data, pdfs=False)
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config["markdown_extensions"].append({"pymdownx.snippets": {"base_path": ["docs"]}})
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (project / "docs" / "parts").mkdir()
    part = project / "docs" / "parts" / "contact.txt"
    part.write_text("Write to the first address.\n", "utf-8")
    (project / "docs" / "contact.md").write_text(
        "# Contact\n\n--8<-- \"parts/contact.txt\"\n", "utf-8")
    with _serving(project) as root:
        assert _wait_for(f"{root}contact/", "the first address", 60)
        part.write_text("Write to the second address.\n", "utf-8")
        assert _wait_for(f"{root}contact/", "the second address", 60), "a stale conversion"


def test_the_preview_works_from_the_temporary_folder_it_is_given_and_leaves_it_empty(
    tmp_path: Path,
) -> None:
    """`make serve` gives the preview a folder in memory as TMPDIR (preview.memory_folder):
    its site and the staging beside it are made there, a save is shown, and when the server
    stops nothing of the preview is left in it."""
    data = copy_data(tmp_path)
    project = make_project(tmp_path, data)
    memory = tmp_path / "memory"
    memory.mkdir()
    log = tmp_path / "serve.log"
    with _serving(project, env={"TMPDIR": str(memory)}, log=log) as root:
        url = f"{root}barking-and-dagenham/foreword/"
        assert _wait_for(url, "Councillor Syed Ghani", 60)
        made = sorted(path.name for path in memory.iterdir())
        assert any(name.startswith("mkdocs_") for name in made), made
        assert any(name.startswith(".building-mkdocs_") for name in made), made
        foreword = data / "barking-and-dagenham" / "foreword.yaml"
        text = foreword.read_text(encoding="utf-8")
        foreword.write_text(text.replace("[Cabinet Member for", "[Lead Cabinet Member for"),
                            encoding="utf-8")
        assert _wait_for(url, "Lead Cabinet Member", 60)
    left = [path.name for path in memory.iterdir()]
    # If anything is left, the server's last lines say how it ended (in background runs it
    # was killed, never having seen SIGINT, until it was started as from a terminal).
    said = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
            if "Running `" not in line and "Copying media file" not in line]
    assert left == [], [*left, *said[-8:]]
