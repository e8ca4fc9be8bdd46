"""`strategy-site init`: a council's own site repository, ready to push to its Git host: the
site's settings, its home page, the timetable it extends, the partnership's folder from the
London template or the national one (scaffold.py), a README, CI that builds, checks, tests
and publishes, and the editor's schemas and VS Code settings (schema.py)."""

from __future__ import annotations

import string
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import yaml

from .model import IDENTIFIER_MAX, is_identifier, slugify
from .output import write_new_atomically
from .scaffold import TEMPLATE, ScaffoldError, scaffold
from .schema import EDITOR_FOLDER, TIMETABLE, header, write_editor_files

SITE_TEMPLATE = Path(__file__).resolve().parent / "scaffold" / "site"
DATA_FOLDER = "strategy_data"
NAMES = {"gitignore": ".gitignore", "gitlab-ci.yml": ".gitlab-ci.yml",
         "github/workflows/site.yml": ".github/workflows/site.yml"}
"""Files the package holds without their leading dot (package data leaves dot files out)."""


class _Template(string.Template):
    """`%%{name}` placeholders: YAML, Markdown and CI files are full of `$` and `{{ }}`."""

    delimiter = "%%"


def init_site(target: Path, slug: str, name: str, force: bool = False,
              template: str = TEMPLATE, region: str | None = None) -> list[Path]:
    """Write a site for the partnership `name` (folder `slug`, on `template`, in `region`)
    into `target`; return the files written. A folder with anything in it is refused unless
    `force`, and even then no file that is there is replaced: each is kept and left out of
    the list."""
    if not is_identifier(slug):
        raise ScaffoldError(f"expected a folder name of lower-case letters, digits and "
                            f"hyphens (at most {IDENTIFIER_MAX}), like "
                            f"'{slugify(name, 'newham')}'; found '{slug}'")
    if not name.strip() or len(name.strip().splitlines()) > 1:
        raise ScaffoldError("expected the partnership's name on one line, like --name "
                            "\"Newham\"")
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"{target}: expected a folder for the site, found a file")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise ScaffoldError(f"{target} is not empty: choose an empty or new folder, or add "
                            "--force to add the files that are missing there (none that is "
                            "there is replaced)")
    if template != TEMPLATE and region is None:
        raise ScaffoldError(f"expected --region england or --region wales with --template "
                            f"{template}: which timetable rules apply depends on it")
    values = _placeholders(slug, name.strip())
    written = []
    for source in sorted(path for path in SITE_TEMPLATE.rglob("*") if path.is_file()):
        relative = source.relative_to(SITE_TEMPLATE).as_posix()
        path = target / NAMES.get(relative, relative)
        text = _Template(source.read_text(encoding="utf-8")).substitute(values)
        if relative == f"{DATA_FOLDER}/timetable.yaml":
            text = header(path, target / EDITOR_FOLDER, TIMETABLE) + text
        try:
            write_new_atomically(path, text.encode("utf-8"))
        except FileExistsError:
            continue
        written.append(path)
    if not (target / DATA_FOLDER / slug).exists():
        written += scaffold(target / DATA_FOLDER, slug, name, template, region)
    return written + write_editor_files(target, DATA_FOLDER)  # settings there are merged into


def _placeholders(slug: str, name: str) -> dict[str, str]:
    partnership = f"the {name} Community Safety Partnership"
    return {"name": name, "slug": slug, "partnership": partnership,
            "name_quoted": _value(name, style='"')[1:-1],
            "site_name": _value(f"{name} Serious Violence Duty strategy"),
            "site_description": _value(f"The Serious Violence Duty strategy of {partnership}."),
            "version": _version()}


def _version() -> str:
    try:
        return version("strategy-site")
    except PackageNotFoundError:  # pragma: no cover - a source tree not installed
        return "0.1.0"


def _value(text: str, style: str | None = None) -> str:
    """`text` as one YAML value, quoted as PyYAML's emitter judges it must be."""
    emitted = yaml.safe_dump(text, default_style=style, allow_unicode=True, width=2**30)
    return emitted.removesuffix("\n").removesuffix("\n...")
