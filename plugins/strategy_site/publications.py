"""Published editions as records: fingerprints of an edition's data and PDF, kept in the
document's `published.yaml`, and the rule that a recorded edition changes only by amendment.

A council must be able to show what it published, and when. When an edition is published,
`strategy-site publish` keeps its PDF beside the data (`published/`) and writes the SHA-256 of
that PDF and of the edition's data into the manifest. Every build then compares: data that no
longer matches its record stops the build unless the edition records a new amendment (date and
reason), and a recorded PDF is served as kept, byte for byte, never re-rendered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .datafiles import DataFileError, Entry, TooLarge, entry, read_inside
from .model import LANGUAGE_NAMES, Document, Edition, Manifest, Publication, SharedDefinition

MANIFEST_FILE = "published.yaml"
"""A document's record of its published editions, beside its strategy.yaml."""
PUBLISHED_FOLDER = "published"
"""Where a document keeps the PDFs of its published editions."""
EDITIONS_FOLDER = "editions"
"""Where a document keeps its earlier editions, one folder each, named by edition."""

_LOCATION = {"folder", "document", "latest", "language"}
"""Where an edition sits, which is not part of what it says (an edition moves into
`editions/` when the next one comes, and its fingerprint must not change)."""
_TRANSLATIONS = "translations"
"""A bilingual edition's versions in its other languages: each has a record and a fingerprint
of its own, so its default version's fingerprint is of its own words only (a change to the
Welsh is then said of the Welsh version's record)."""
_ADDED_SINCE: dict[tuple[str, ...], Any] = {
    ("identity", "languages"): [],
    ("identity", "region"): None,
    ("identity", "area"): None,
    ("identity", "vru"): None,
}
"""Fields added to the model after editions were published (2026-12: languages, places), left
out of the fingerprint while they hold their default: an edition published before them keeps
its record (tests/test_editions.py holds fingerprints taken before them). Add each new field
of an edition here."""
_DEFAULTS_MOVED: dict[tuple[str, str], str] = {
    ("foreword", "title"): "Foreword",
    ("review_dates", "title"): "Review dates",
    ("definition", "title"): "Definition of Serious Violence",
}
"""Titles the model filled in, in English, until the pages gave the site's word for them in
each language (2026-12, catalog.py): a part that leaves its title out is fingerprinted with
the title it had then, so an edition published before keeps its record."""
_AFTERWARDS = {"record", "overrides"}
"""What a partnership writes about an edition after publishing it (the date it went to the
Home Office, each review) and how the timetable treats it: not what the edition says."""


def data_sha256(strategy: Edition, definitions: dict[str, SharedDefinition]) -> str:
    """The fingerprint of what an edition says: its validated data (comments and layout of the
    YAML do not count), with the shared definition it adopts. Computed once per edition (the
    loader's record check and the site's plan both ask): an edition is frozen data."""
    adopted = strategy.definition.adopts if strategy.definition else None
    shared = definitions.get(adopted) if adopted else None
    known = _FINGERPRINTS.get(id(strategy))
    if known is not None and known[0]() is strategy and known[1] is shared:
        return known[2]
    digest = _fingerprint(strategy, shared)
    _FINGERPRINTS[id(strategy)] = (weakref.ref(strategy), shared, digest)
    weakref.finalize(strategy, _FINGERPRINTS.pop, id(strategy), None)
    return digest


_FINGERPRINTS: dict[int, tuple[weakref.ref[Edition], SharedDefinition | None, str]] = {}
"""Each live edition's fingerprint, with the shared definition it was taken with."""


def _fingerprint(strategy: Edition, shared: SharedDefinition | None) -> str:
    content: dict[str, Any] = strategy.model_dump(
        mode="json", exclude={**dict.fromkeys({*_LOCATION, _TRANSLATIONS}, True),
                              "identity": _AFTERWARDS})
    for field, default in _ADDED_SINCE.items():
        *path, name = field
        holder = content
        for step in path:
            holder = holder[step]
        if holder.get(name) == default:
            del holder[name]
    for (part, name), title in _DEFAULTS_MOVED.items():
        if content.get(part) is not None and content[part].get(name) is None:
            content[part][name] = title
    if shared is not None:
        content["adopted_definition"] = shared.model_dump(mode="json")
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def file_sha256(data: bytes) -> str:
    """The SHA-256 of a file's bytes, as `sha256sum` prints it."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class PublicationState:
    """Where one edition stands against its record."""

    strategy: Edition
    record: Publication | None
    """The edition's current record (its newest amendment), if it has been recorded."""
    unchanged: bool
    """Whether the data still matches the record."""

    @property
    def pending_amendments(self) -> int:
        """Amendments in the data that the record does not include yet."""
        recorded = self.record.amendments if self.record else 0
        return len(self.strategy.identity.amendments) - recorded


def publication_state(document: Document, strategy: Edition,
                      definitions: dict[str, SharedDefinition]) -> PublicationState:
    """Compare one edition (one version of a bilingual edition) with the document's
    manifest."""
    record = document.manifest.current(strategy.identity.edition, strategy.language,
                                       strategy.default_language)
    unchanged = record is not None and record.data_sha256 == data_sha256(strategy, definitions)
    return PublicationState(strategy, record, unchanged)


def publication_problems(document: Document, folder: Path,
                         definitions: dict[str, SharedDefinition]) -> list[tuple[str, str, str]]:
    """What breaks the record rule, as (which file, which field, message) for the loader to
    place: `which file` is 'manifest', the edition's id (the field a dotted path in it), or
    a kept PDF's path in the document's folder (no field)."""
    problems: list[tuple[str, str, str]] = []
    named = {record.pdf for record in document.manifest.publications}
    for kept in sorted((folder / PUBLISHED_FOLDER).glob("*.pdf")):
        name = f"{PUBLISHED_FOLDER}/{kept.name}"
        if name not in named:
            problems.append((name, "", (
                f"expected every PDF in {PUBLISHED_FOLDER}/ to be named by a record in "
                f"{MANIFEST_FILE}, and none names this one: it is the PDF of a published "
                "edition, and a published edition cannot vanish. Restore the record from "
                f"version control (git checkout {MANIFEST_FILE}); only if this edition was "
                "never published, delete the PDF")))
    editions = {strategy.identity.edition: strategy for strategy in document.editions}
    for index, record in enumerate(document.manifest.publications):
        if record.edition not in editions:
            problems.append(("manifest", f"records.{index}.edition",
                             f"expected the edition '{record.edition}' to exist (in "
                             f"{EDITIONS_FOLDER}/ or as the newest edition): a published "
                             "edition is a record and stays in the data"))
        elif record.language is not None and record.language not in languages_of(
                editions[record.edition]):
            problems.append(("manifest", f"records.{index}.language", (
                f"expected edition '{record.edition}' to have its {_named(record.language)} "
                f"version, which this record is of: a published version is a record and stays "
                "in the data (its language in 'languages' in strategy.yaml)")))
    for edition in document.editions:
        problems += _version_problems(document, edition, folder, definitions)
    return problems


def languages_of(edition: Edition) -> list[str | None]:
    """The languages of an edition's versions, its default's first (none: one language)."""
    return [version.language for version in (edition, *edition.translations)]


def _named(language: str | None) -> str:
    return f"{LANGUAGE_NAMES[language]} ({language})" if language else ""


def _version_problems(document: Document, edition: Edition, folder: Path,
                      definitions: dict[str, SharedDefinition]) -> list[tuple[str, str, str]]:
    """What breaks the record rule in each version of one edition (one, in one language)."""
    problems: list[tuple[str, str, str]] = []
    states = [publication_state(document, version, definitions)
              for version in (edition, *edition.translations)]
    recorded = next((state for state in states if state.record is not None
                     and state.unchanged and state.pending_amendments <= 0), None)
    for state in states:
        strategy = state.strategy
        where = strategy.identity.edition_id
        if state.record is None:
            if recorded is not None:  # one version recorded as it is, this one not at all
                problems.append((where, "edition", (
                    f"expected a record of the {_named(strategy.language)} version of edition "
                    f"'{strategy.identity.edition}' in {MANIFEST_FILE} beside that of its "
                    f"{_named(recorded.strategy.language)} version: every version of a "
                    "published edition is recorded, and a record cannot vanish. Restore it "
                    f"from version control (git checkout {MANIFEST_FILE})")))
            continue
        record = state.record
        version = f" in {_named(strategy.language)}" if strategy.language else ""
        if not state.unchanged and state.pending_amendments <= 0:
            problems.append((where, "edition", (
                f"expected the data of edition '{strategy.identity.edition}'{version} to be as "
                "published "
                f"on {record.published.isoformat()} (recorded in {MANIFEST_FILE} on "
                f"{record.recorded.isoformat()}); it has changed since. A published edition "
                "is a record: undo the change, or record it under 'amendments' in "
                "strategy.yaml with its date and reason, then run `strategy-site publish "
                f"{edition.home}` to record the amended edition")))
        if state.unchanged:
            field = f"records.{_index(document, record)}.pdf"
            if entry(folder / record.pdf) is Entry.MISSING:
                problems.append(("manifest", field,
                                 f"expected the published PDF at {record.pdf}, found no file"))
                continue
            try:
                as_kept = kept_pdf(folder, record)
            except DataFileError as error:
                problems.append(("manifest", field, f"expected {record.pdf} to be the PDF as "
                                 f"published; {_unread(error)}"))
                continue
            if file_sha256(as_kept) != record.pdf_sha256:
                problems.append(("manifest", field,
                                 f"expected {record.pdf} to be the PDF as published (SHA-256 "
                                 f"{record.pdf_sha256[:12]}…); its bytes have changed"))
    return problems


def _index(document: Document, record: Publication) -> int:
    return document.manifest.publications.index(record)


MAX_PDF_BYTES = 100 * 2**20
"""A kept PDF is a few hundred KB (Barking and Dagenham's 42 pages: 191 KB); a bigger file is
not the one published, and reading it whole would hold up every build."""


def kept_pdf(folder: Path, record: Publication) -> bytes:
    """A kept PDF's bytes: the document folder's own file, never one reached through a link."""
    return read_inside(folder / record.pdf, folder, MAX_PDF_BYTES)


def _unread(error: DataFileError) -> str:
    if isinstance(error, TooLarge):
        return f"found a file of more than {MAX_PDF_BYTES // 2**20} MB"
    return str(error)


def stored_pdf(document: Document, strategy: Edition, folder: Path,
               definitions: dict[str, SharedDefinition]) -> bytes | None:
    """The PDF as published, when the edition is recorded and unchanged: served as kept."""
    state = publication_state(document, strategy, definitions)
    if state.record is None or not state.unchanged:
        return None
    return kept_pdf(folder, state.record)


def document_folder(data_dir: Path, strategy: Edition) -> Path:
    """Where a document's newest edition, manifest and kept PDFs live."""
    return data_dir / strategy.home


def new_publication(document: Document, strategy: Edition, pdf: bytes,
                    definitions: dict[str, SharedDefinition], today: dt.date) -> Publication:
    """The record of an edition (a version of a bilingual edition) as it is now, with the
    file its PDF is kept in."""
    identity = strategy.identity
    assert identity.published is not None
    return Publication(
        edition=identity.edition, language=strategy.language,
        amendments=len(identity.amendments),
        published=identity.published, recorded=today,
        data_sha256=data_sha256(strategy, definitions), pdf=kept_pdf_name(strategy),
        pdf_sha256=file_sha256(pdf),
    )


def kept_pdf_name(strategy: Edition) -> str:
    """Where an edition's PDF is kept as it is now (with its amendments), in its document's
    folder: a name no other record of the document has ('2025-amendment-1.pdf'; a bilingual
    edition's one per language, '2025-cy.pdf')."""
    amendments = len(strategy.identity.amendments)
    language = f"-{strategy.language}" if strategy.language else ""
    suffix = f"-amendment-{amendments}" if amendments else ""
    return f"{PUBLISHED_FOLDER}/{strategy.identity.edition_id}{language}{suffix}.pdf"


_NO_LANGUAGE = {"language"}
"""Left out of a record of an edition in one language: its record reads as it always did."""


def manifest_yaml(manifest: Manifest) -> str:
    """The manifest as YAML, with a header saying what it is."""
    records = [record.model_dump(mode="json", exclude=_NO_LANGUAGE if record.language is None
                                 else None) for record in manifest.publications]
    for record, source in zip(records, manifest.publications, strict=True):
        record["published"] = source.published
        record["recorded"] = source.recorded
    return ("# The record of this document's published editions, written by `strategy-site "
            "publish`.\n# Do not edit: every build checks the data and the kept PDFs against "
            "it.\n" + yaml.dump({"records": records}, Dumper=_WrittenOut, sort_keys=False,
                                allow_unicode=True))


class _WrittenOut(yaml.SafeDumper):
    """Every value written out in full: records of one edition's versions share its dates,
    which PyYAML would write once with an alias (*id001), and the loader refuses aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True
