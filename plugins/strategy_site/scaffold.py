"""`strategy-site new`: a new borough's folder from the London template (or the national one,
for a partnership outside London), every required part present, every value still to be
written marked TODO so `strategy-site check` can list them."""

from __future__ import annotations

import string
from pathlib import Path

import yaml

from .defaults import DEFAULTS
from .loading import SHARED_FOLDER
from .model import IDENTIFIER_MAX, TEMPLATES, is_identifier, slugify
from .schema import EDITOR_FOLDER, header

SCAFFOLDS = Path(__file__).parent / "scaffold"
TEMPLATE = "london-serious-violence-duty"
"""The template `new` starts from unless told another (`SCAFFOLDED` holds each one it can)."""
SCAFFOLDED = ("london-serious-violence-duty", "serious-violence-duty")
SHARED_DEFINITION = "london-definition"

_LOCAL_DEFINITION = """\
# The definition of serious violence. There is no shared definition in this data folder, so
# the partnership writes its own.
statement: |
  TODO: the partnership's definition of serious violence (Markdown).
"""


class ScaffoldError(Exception):
    """The folder cannot be made; the message says why."""


def scaffold(data_dir: Path, folder: str, name: str, template: str = TEMPLATE,
             region: str | None = None) -> list[Path]:
    """Write a borough folder for `name` under `data_dir`, on `template` (the national one
    with its `region`); return the files written. Each begins with the line that tells an
    editor its schema, in the site repository's `.schemas/` beside `data_dir`
    (`schema.write_editor_files` writes them)."""
    if not is_identifier(folder):
        raise ScaffoldError(f"expected a folder name of lower-case letters, digits and "
                            f"hyphens (at most {IDENTIFIER_MAX}), like "
                            f"'{slugify(name, 'newham')}'; found '{folder}'")
    if not name.strip():
        raise ScaffoldError("expected the borough's name, like --name \"Newham\"")
    if len(name.strip().splitlines()) > 1:
        raise ScaffoldError("expected the borough's name on one line, like --name \"Newham\"")
    if template not in SCAFFOLDED:
        raise ScaffoldError(f"expected a template to start from: {', '.join(SCAFFOLDED)}; "
                            f"found '{template}'")
    if template != TEMPLATE and region not in ("england", "wales"):
        raise ScaffoldError(f"expected --region england or --region wales with --template "
                            f"{template}: which timetable rules apply depends on it")
    target = data_dir / folder
    if target.exists():
        raise ScaffoldError(f"{target} already exists: choose another name or remove it")
    sources = sorted((SCAFFOLDS / template).glob("*.yaml"))
    expected = {"strategy", *TEMPLATES[template]}
    assert {path.stem for path in sources} == expected, "the scaffold lacks a required part"
    target.mkdir(parents=True)
    written = []
    for source in sources:
        text = string.Template(source.read_text(encoding="utf-8")).substitute(
            _placeholders(name.strip()), region=region or "england")
        if source.stem == "definition" and template == TEMPLATE and not any(
                (folder / SHARED_FOLDER / f"{SHARED_DEFINITION}.yaml").exists()
                for folder in (data_dir, DEFAULTS)):
            text = _LOCAL_DEFINITION
        path = target / source.name
        text = header(path, data_dir.parent / EDITOR_FOLDER, source.stem) + text
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _placeholders(name: str) -> dict[str, str]:
    """The name as each place in a scaffold file needs it, written by PyYAML's emitter so that
    any name (`Newham: "East"`, `#1`, `No`, `2024`) reads back as itself: `name` in comments,
    `borough` and `organisation` as whole values, `name_quoted` inside a double-quoted value."""
    return {"name": name, "borough": _value(name),
            "organisation": _value(f"London Borough of {name}"),
            "name_quoted": _value(name, style='"')[1:-1]}


def _value(text: str, style: str | None = None) -> str:
    """`text` as one YAML value, quoted as the emitter judges it must be."""
    emitted = yaml.safe_dump(text, default_style=style, allow_unicode=True, width=2**30)
    return emitted.removesuffix("\n").removesuffix("\n...")
