"""Withheld content: taken out of the model before anything is rendered, so it cannot reach a
page, the PDF, the search index, the sitemap or a calendar feed.

Any piece that can carry `withhold: {reason, note}` (a block, a section, a page, an objective,
a funding line, a diagram ...) is removed here, once, from the validated strategy. Everything
downstream sees only the public strategy; what was withheld, and why, is listed for the build
log and `strategy-site check`, never published.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from .model import Block, Edition, StrictModel, Withheld, Withholdable, field_name


def publishable(strategy: Edition) -> tuple[Edition, list[Withheld]]:
    """The strategy as it may be published, and each piece withheld from it (a bilingual
    strategy's versions withhold the same pieces, which are listed once)."""
    if strategy.translations:
        public, withheld_once = publishable(strategy.model_copy(update={"translations": ()}))
        versions = tuple(publishable(version)[0] for version in strategy.translations)
        return public.model_copy(update={"translations": versions}), withheld_once
    withheld: list[Withheld] = []
    public = _strip(strategy, (), withheld)
    assert isinstance(public, Edition)
    public = _without_orphans(public)
    return public, [item.model_copy(update={"home": strategy.home,
                                            "edition": strategy.identity.edition})
                    for item in withheld]


def _strip(value: Any, at: tuple[str | int, ...], withheld: list[Withheld]) -> Any:
    """`value` without its withheld pieces, recording where each was."""
    if isinstance(value, BaseModel):
        updates: dict[str, Any] = {}
        for name in type(value).model_fields:
            child = getattr(value, name)
            if _is_withheld(child):
                withheld.append(_record(child, (*at, name)))
                updates[name] = None
                continue
            stripped = _strip(child, (*at, name), withheld)
            if stripped is not child:
                updates[name] = stripped
        return value.model_copy(update=updates) if updates else value
    if isinstance(value, tuple):
        kept = []
        for index, item in enumerate(value):
            if _is_withheld(item):
                withheld.append(_record(item, (*at, index)))
            else:
                kept.append(_strip(item, (*at, index), withheld))
        return tuple(kept) if len(kept) != len(value) or any(
            a is not b for a, b in zip(kept, value, strict=True)) else value
    if isinstance(value, dict):
        public = {}
        for key, item in value.items():
            if _is_withheld(item):
                withheld.append(_record(item, (*at, key)))
            else:
                public[key] = _strip(item, (*at, key), withheld)
        return public if public.keys() != value.keys() or any(
            public[k] is not value[k] for k in value) else value
    return value


def _drop_blocks(value: Any, keep: Callable[[Block], bool]) -> Any:
    """`value` with only the blocks `keep` accepts, at any depth."""
    if isinstance(value, BaseModel):
        updates = {name: _drop_blocks(getattr(value, name), keep)
                   for name in type(value).model_fields}
        changed = {k: v for k, v in updates.items() if v is not getattr(value, k)}
        return value.model_copy(update=changed) if changed else value
    if isinstance(value, tuple):
        kept = tuple(_drop_blocks(item, keep) for item in value
                     if not isinstance(item, Block) or keep(item))
        return kept if len(kept) != len(value) or any(
            a is not b for a, b in zip(kept, value, strict=True)) else value
    if isinstance(value, dict):
        mapped = {key: _drop_blocks(item, keep) for key, item in value.items()}
        return mapped if any(mapped[k] is not value[k] for k in value) else value
    return value


def _is_withheld(value: Any) -> bool:
    return isinstance(value, Withholdable) and value.withhold is not None


def _record(piece: Withholdable, at: tuple[str | int, ...]) -> Withheld:
    assert piece.withhold is not None
    return Withheld(home="", edition="", field=field_name(at), what=_name(piece),
                    reason=piece.withhold.reason, note=piece.withhold.note)


def _name(piece: StrictModel) -> str:
    """A few words that identify the piece in the log: its title, name or kind."""
    for field in ("title", "name", "element", "item", "label", "id"):
        value = getattr(piece, field, None)
        if isinstance(value, str):
            return value
    if isinstance(piece, Block):
        kind = next(name for name in ("text", "diagram", "table", "chart_not_available")
                    if getattr(piece, name) is not None)
        return f"a {kind.replace('_', ' ')} block"
    return type(piece).__name__.lower()


def _without_orphans(strategy: Edition) -> Edition:
    """What no longer has a place once pieces are withheld: the blocks that place a withheld
    diagram, a diagram placed only in withheld blocks, a withheld page's name in `contents`."""
    known = {d.id for d in strategy.diagrams.diagrams} if strategy.diagrams else set()
    strategy = _drop_blocks(strategy, lambda block: block.diagram is None
                            or block.diagram in known)
    placed = {ident for _, ident in strategy.diagram_places()}
    updates: dict[str, Any] = {}
    if strategy.diagrams is not None:
        kept = tuple(d for d in strategy.diagrams.diagrams if d.id in placed)
        if len(kept) != len(strategy.diagrams.diagrams):
            updates["diagrams"] = (strategy.diagrams.model_copy(update={"diagrams": kept})
                                   if kept else None)
    pages = strategy.page_names()
    contents = tuple(name for name in strategy.identity.contents if name in pages)
    if contents != strategy.identity.contents:
        updates["identity"] = strategy.identity.model_copy(update={"contents": contents})
    return strategy.model_copy(update=updates) if updates else strategy


REASONS = {
    "safety": "it would put someone's safety at risk",
    "crime-prevention": "it would prejudice the prevention or detection of crime",
    "institution-security": "it would compromise the security of an educational, prison or "
                            "youth custody institution",
}
"""Each reason the data may give, in the words of the Serious Violence Duty guidance."""


def withheld_line(item: Withheld) -> str:
    """One withheld piece for the log: where, what, and why."""
    note = f" Note: {item.note}" if item.note else ""
    return f"{item.field} ({item.what}): {item.reason}, as {REASONS[item.reason]}.{note}"
