"""The PDF cache's key: a fingerprint of everything a PDF is made from, known without
rendering its print document.

A warm rebuild used to render every print document only to hash it (10 s at N = 300). The
print document is made from the edition's data (what it withholds already taken out when it
was loaded), the shared definition it adopts, its part pages as the plan has them (which
parts, in what order, their titles and templates), the address it is published at, the
package's templates and stylesheets and its catalogs of our words per language, the package's
code that renders them and the libraries that code calls; the PDF, from that document, by
the engine: WeasyPrint and pikepdf with the libraries they load, our tagging code, the fonts.
A key that missed one of them would serve a stale PDF, which is worse than a slow one, so
where in doubt a whole is hashed: every file under templates/ and locale/, every module the
print code imports, every library each engine library requires, the shared libraries the
process has loaded for text layout.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import logging
import re
import secrets
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from .model import Edition, SharedDefinition
from .pages import PageSpec

log = logging.getLogger("mkdocs.plugins.strategy_site")

PACKAGE = Path(__file__).parent
"""The package's own folder: its templates and its code."""

TEMPLATES = "templates"
"""Everything the print document's templates may read (the part templates it shares with the
web pages, print/, the stylesheets inlined into it): hashed whole."""

CATALOGS = "locale"
"""Our words in each language (catalog.py), read as the print document is rendered: hashed
whole, so a corrected Welsh msgstr makes the Welsh PDF again."""

PRINT_CODE = ("pages.py", "pdf.py")
"""Where the print document is rendered and the PDF written: the package's modules they
import, and those modules' imports, are followed from here (not listed by hand)."""

LIBRARIES = ("weasyprint", "pikepdf", "jinja2", "markupsafe", "markdown", "babel")
"""The libraries that make the print document and its PDF; each with every library it needs."""

LAYOUT_LIBRARIES = re.compile(r"lib(pango|harfbuzz|fontconfig|freetype|fribidi|cairo|glib|"
                              r"gobject|png|jpeg|tiff|webp|z)[-.\w]*\.so[.\d]*$")
"""The system libraries that lay text out and read fonts and images (a new Pango or HarfBuzz
can move every line of every page)."""


def pdf_key(made_from: str, templates: str, renderer: str) -> str:
    """The cache key of one PDF: what its print document is made from (`print_inputs`), the
    templates as they are now (`templates_fingerprint`), and what renders it, the code and
    the engine (`render_fingerprint`)."""
    digest = hashlib.sha256()
    for part in (renderer, templates, made_from):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def print_inputs(edition: Edition, shared: SharedDefinition | None,
                 parts: Sequence[PageSpec], web_address: str | None) -> str:
    """The fingerprint of an edition's print document's own inputs: all of its data (where it
    sits and what was recorded after it too: more than the record's `data_sha256`, never
    less), the shared definition it adopts, its parts as the plan makes them, and its web
    address."""
    content: dict[str, Any] = {
        "edition": edition.model_dump(mode="json"),
        "shared": shared.model_dump(mode="json") if shared is not None else None,
        "parts": [_part(spec) for spec in parts],
        "web_address": web_address,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                           default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _part(spec: PageSpec) -> dict[str, Any]:
    """What a part page gives its template besides the edition's data (which the edition's
    fingerprint holds): where it is, its titles, its template, and any notice it carries."""
    notice = spec.context.get("notice")
    return {"src_uri": spec.src_uri, "title": spec.title, "template": spec.template,
            "heading": spec.heading, "place": spec.place,
            "notice": asdict(notice) if notice is not None else None}


def templates_fingerprint(package: Path = PACKAGE) -> str:
    """Every file under the package's templates/ and locale/, by its path and bytes. Read at
    each build: the templates are read from disk as they are rendered, so an edited one counts
    at once (a catalog is read once per process, so an edited one counts from the next build)."""
    return _files_fingerprint(package, sorted(path for folder in (TEMPLATES, CATALOGS)
                                              for path in (package / folder).rglob("*")))


def render_fingerprint() -> str:
    """What makes a PDF from the print document's inputs: the engine (`engine_fingerprint`)
    and our code (`code_fingerprint`), as this process has them. A build's PDF workers take
    it as they start, in a worker (pdf_workers.py)."""
    return f"{engine_fingerprint()}\n{code_fingerprint()}"


@cache
def code_fingerprint() -> str:
    """The package's modules that render the print document and write the PDF (those of
    PRINT_CODE and all they import from the package), and the libraries they use. Taken once
    per process: the code that runs is the code that was imported."""
    return package_code_fingerprint(PACKAGE)


def package_code_fingerprint(package: Path) -> str:
    """`code_fingerprint` of the package in `package`."""
    modules = imported_modules(package, [package / name for name in PRINT_CODE])
    versions = [f"{name} {version}" for name, version in sorted(_library_versions().items())]
    return hashlib.sha256("\n".join([
        _files_fingerprint(package, modules), sys.version, *versions]).encode()).hexdigest()


def imported_modules(package: Path, start: Iterable[Path]) -> list[Path]:
    """The package's modules that `start` import, directly or through one another (relative
    imports, and absolute ones of the package), `start` included."""
    seen: set[Path] = set()
    todo = [path for path in start if path.is_file()]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
            todo += [found for found in _imported(package, path, node) if found not in seen]
    return sorted(seen)


def _imported(package: Path, path: Path, node: ast.AST) -> list[Path]:
    """The package's module files one import statement names."""
    if isinstance(node, ast.Import):
        names = [alias.name.split(".") for alias in node.names
                 if alias.name.split(".")[0] == package.name]
        return [found for name in names for found in _module_files(package.parent, name)]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = path.parent
        for _ in range(node.level - 1):
            base = base.parent
        module = node.module.split(".") if node.module else []
    elif node.module and node.module.split(".")[0] == package.name:
        base, module = package.parent, node.module.split(".")
    else:
        return []
    found = _module_files(base, module)
    for alias in node.names:  # `from . import diagrams`: a module, if there is one by the name
        found += _module_files(base, [*module, alias.name])
    return found


def _module_files(base: Path, module: list[str]) -> list[Path]:
    """The file of a module (`name.py`) or package (`name/__init__.py`) under `base`, with the
    `__init__.py` of each package on the way; only those that exist."""
    found = [base.joinpath(*module[:depth], "__init__.py") for depth in range(len(module) + 1)]
    if module:
        target = base.joinpath(*module)
        found.append(target.with_name(f"{target.name}.py"))
    return [path for path in found if path.is_file()]


def _files_fingerprint(package: Path, paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _library_versions() -> dict[str, str]:
    """Each of LIBRARIES and every library it requires (not its extras'), with its version."""
    versions: dict[str, str] = {}
    todo = list(LIBRARIES)
    while todo:
        name = _normalised(todo.pop())
        if name in versions:
            continue
        try:
            versions[name] = importlib.metadata.version(name)
            required = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
            continue
        for requirement in required:
            if "extra ==" in requirement.replace("extra==", "extra =="):
                continue
            match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
            if match:
                todo.append(match.group(0))
    return versions


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def engine_fingerprint() -> str:
    """What renders a PDF besides its HTML: library versions, our tagging code, the fonts."""
    import weasyprint  # here, not with the module: a build without PDFs never needs it

    from . import pdf  # the tagging code (also among code_fingerprint's modules)

    tagging = hashlib.sha256(Path(pdf.__file__).read_bytes()).hexdigest()
    return "\n".join([weasyprint.__version__, _pikepdf_version(), tagging, _pango(),
                      _layout_libraries(), _fonts()])


def _pikepdf_version() -> str:
    import pikepdf

    return str(pikepdf.__version__)


def _pango() -> str:
    """Pango's version as WeasyPrint loaded it."""
    try:
        from weasyprint.text.ffi import pango

        return f"pango {pango.pango_version()}"
    except (ImportError, AttributeError, OSError) as error:  # pragma: no cover
        return f"pango unknown ({error})"


def _layout_libraries() -> str:
    """The text layout and image libraries this process has loaded, each file by its path,
    size and time (a system update replaces them); '' where the process's map cannot be read."""
    try:
        mapped = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    files = sorted({line.split()[-1] for line in mapped.splitlines()
                    if len(line.split()) >= 6 and LAYOUT_LIBRARIES.search(line.split()[-1])})
    described = []
    for name in files:
        try:
            status = Path(name).stat()
        except OSError:
            continue
        described.append(f"{name} {status.st_size} {status.st_mtime_ns}")
    return hashlib.sha256("\n".join(described).encode("utf-8")).hexdigest()


def _fonts() -> str:
    """The installed fonts (fontconfig's list with versions): a new or updated font can change
    every page's layout. Fonts that cannot be listed give a fingerprint no other build makes,
    so that no PDF cached before a font changed is served after it: each is rendered."""
    try:
        listed = subprocess.run(["fc-list", "--format", "%{file}|%{fontversion}\n"],
                                capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError) as error:
        log.info("The installed fonts cannot be listed (fc-list: %s), so no PDF is served from "
                 "the cache: each is rendered", error)
        return f"fonts unknown ({error}): {secrets.token_hex(16)}"
    return hashlib.sha256("\n".join(sorted(listed.splitlines())).encode()).hexdigest()
