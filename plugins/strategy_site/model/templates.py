"""The templates a strategy follows, as data (`defaults/templates.yaml`): the parts each asks
for, which source asks for each, and which template it extends. The national template
(`serious-violence-duty`) is what the Duty asks of every partnership in England and Wales;
London's extends it with London's parts."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import model_validator

from .base import StrictModel, check_unique, invalid
from .sources import Source
from .values import Identifier, Text

TemplateName = Literal["serious-violence-duty", "london-serious-violence-duty", "free"]
"""The templates `defaults/templates.yaml` defines, by name (a choice an officer's editor
offers; the file and this list are checked against each other when the package loads)."""

TEMPLATES_FILE = Path(__file__).resolve().parent.parent / "defaults" / "templates.yaml"


class Requirement(StrictModel):
    """A part a template asks for: its file (without .yaml), what it holds, and the sources
    that ask for it."""

    part: Identifier
    holds: Text
    sources: tuple[Source, ...] = ()


class Template(StrictModel):
    """A template: its own parts, and those of the template it extends."""

    id: TemplateName
    name: Text
    extends: TemplateName | None = None
    area: Identifier | None = None
    """The area a partnership on this template is in (London's template: london)."""
    requires: tuple[Requirement, ...] = ()


class Templates(StrictModel):
    """`defaults/templates.yaml`: every template, the one each extends before it."""

    templates: tuple[Template, ...]

    @model_validator(mode="after")
    def _complete_and_in_order(self) -> Templates:
        names = [template.id for template in self.templates]
        check_unique("templates", "id", list(names), "each template once")
        if set(names) != set(get_args(TemplateName)):
            raise invalid(("templates",), f"expected the templates {get_args(TemplateName)}")
        for index, template in enumerate(self.templates):
            if template.extends is not None and template.extends not in names[:index]:
                raise invalid(("templates", index, "extends"),
                              "expected a template defined above this one")
        return self

    def get(self, name: str) -> Template:
        """The template of this name (validation guarantees every TemplateName is here)."""
        return next(template for template in self.templates if template.id == name)

    def lineage(self, name: str) -> tuple[str, ...]:
        """The template and those it extends, nearest first: ('london-serious-violence-duty',
        'serious-violence-duty')."""
        chain: list[str] = []
        current: str | None = name
        while current is not None:
            chain.append(current)
            current = self.get(current).extends
        return tuple(chain)

    def requirements(self, name: str) -> tuple[Requirement, ...]:
        """Every part the template asks for, its own and those it extends."""
        return tuple(requirement for ident in reversed(self.lineage(name))
                     for requirement in self.get(ident).requires)

    def area_of(self, name: str) -> tuple[str, str] | None:
        """The area a template implies, and the template (in its lineage) that says so."""
        for ident in self.lineage(name):
            area = self.get(ident).area
            if area is not None:
                return area, ident
        return None


@functools.cache
def templates() -> Templates:
    """The package's templates, read once."""
    return Templates.model_validate(yaml.safe_load(TEMPLATES_FILE.read_text(encoding="utf-8")))
