"""The data folder read into the model: the walk over `strategy_data/` (partnerships, their
documents, each document's editions), and the edition policy that holds while reading (an
earlier edition is published and named by its folder; no two editions share an address; the
record of published editions matches the data). Every problem is gathered in one `Problems`
and reported at once, in the file and on the line it is in.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel, ValidationError

from ..addresses import RESERVED_NAMES
from ..datafiles import LINK_MESSAGE, SPECIAL_MESSAGE, Entry, entry
from ..defaults import DEFAULTS, extended
from ..model import (
    APPENDIX_PAGE,
    PART_NAMES,
    PROBLEMS,
    TEMPLATES,
    Document,
    Edition,
    Location,
    Manifest,
    SharedDefinition,
    Site,
    Timetable,
    Withheld,
    field_name,
    is_identifier,
)
from ..processes import can_fork, cores, in_two_halves
from ..publications import EDITIONS_FOLDER, MANIFEST_FILE, PUBLISHED_FOLDER, publication_problems
from ..withholding import publishable
from .english import explain, placed, suggest
from .languages import declared as languages_of
from .languages import (
    is_language_map,
    project,
    texts_given_once,
    with_language,
)
from .places import check_places, check_rule_places
from .problems import DataProblem, Problems, StrategyDataError
from .yaml_lines import ParsedFiles, YamlFile, parsed_files, read_yaml

TIMETABLE_FILE = "timetable.yaml"
"""The statutory timetable, at the top of `strategy_data/`."""

SHARED_FOLDER = "shared"
"""The folder of `strategy_data/` that holds what many boroughs share, not a borough."""


def load_site(data_dir: Path, parsed: ParsedFiles | None = None) -> Site:
    """Read every partnership folder and the shared definitions; all problems are reported
    at once. `parsed`: the files of the load before, taken where unchanged (the preview's)."""
    if parsed is None:
        return _load_site(data_dir)
    with parsed.load():
        return _load_site(data_dir)


def _load_site(data_dir: Path) -> Site:
    problems = Problems()
    definitions = _package_definitions(problems)  # the site's own shared/ replaces by name
    shared = data_dir / SHARED_FOLDER
    for path in _entries(shared, data_dir, problems) if entry(shared) is Entry.FOLDER else []:
        if path.suffix == ".yaml" and entry(path) is Entry.FILE:
            if not is_identifier(path.stem):
                problems.add(
                    _shown(path, data_dir), None, None,
                    "expected a file name of lower-case letters, digits and hyphens (it is the "
                    f"name boroughs adopt it by), like 'london-definition.yaml'; found "
                    f"'{path.name}'")
                continue
            definition = _validate_file(SharedDefinition, path, data_dir, problems)
            if definition is not None:
                definitions[path.stem] = definition

    timetable, own_file = None, None
    if entry(data_dir / TIMETABLE_FILE) is Entry.FILE:
        own_file = _read_part(data_dir / TIMETABLE_FILE, data_dir, problems)
        timetable = _validate_file(Timetable, data_dir / TIMETABLE_FILE, data_dir, problems)
    statutory = _validate_file(Timetable, DEFAULTS / TIMETABLE_FILE, DEFAULTS, problems)
    # The places partnerships may name: the statutory ones and the site's own.
    places = extended(timetable, statutory) if timetable and statutory else statutory
    if timetable is not None and places is not None and own_file is not None:
        check_rule_places(timetable, places, own_file, problems)
    if timetable is not None and timetable.extends is not None:
        timetable = places

    documents: list[Document] = []
    withheld: list[Withheld] = []
    folders = _subfolders(data_dir, skip=(SHARED_FOLDER,), problems=problems, data_dir=data_dir)
    if not folders:
        problems.add(_shown(data_dir, data_dir), None, None,
                     "expected at least one borough folder, found none")
    documents += _load_partnerships(folders, data_dir, definitions, problems, withheld)
    if places is not None:
        check_places(documents, places, data_dir, problems)
    problems.raise_if_any()
    return Site(documents=tuple(documents), definitions=definitions, timetable=timetable,
                withheld=tuple(withheld))


LOAD_IN_TWO_FROM = 16
"""From this many partnerships a build loads half of them in a second process: one takes
about 17 ms to load and 3 ms to send back, so at N = 300 the load took 2.8-3.6 s, not 5.2 s."""


def _load_partnerships(folders: list[Path], data_dir: Path,
                       definitions: Mapping[str, SharedDefinition], problems: Problems,
                       withheld: list[Withheld]) -> list[Document]:
    """Every partnership's documents in the folders' order, their problems and what they
    withhold as one process finds them; half in a second process where that pays: many
    folders, two cores, and no load before whose files to take unchanged (the preview's,
    which must itself see each file it parses)."""
    work = partial(_load_share, data_dir=data_dir, definitions=definitions)
    if (len(folders) < LOAD_IN_TWO_FROM or cores() < 2 or not can_fork()
            or parsed_files() is not None):
        shares: tuple[_Share, ...] = (work(folders),)
    else:
        shares = in_two_halves(work, folders)
    documents = []
    for share in shares:
        documents += share.documents
        problems.extend(share.problems)
        withheld.extend(share.withheld)
    return documents


@dataclass(frozen=True)
class _Share:
    """What loading some of the partnerships found, sent back whole from another process."""

    documents: list[Document]
    problems: list[DataProblem]
    withheld: list[Withheld]


def _load_share(folders: Sequence[Path], data_dir: Path,
                definitions: Mapping[str, SharedDefinition]) -> _Share:
    """Load some of the partnerships (`load_partnership`, each in turn), in whichever
    process."""
    problems, withheld, documents = Problems(), list[Withheld](), list[Document]()
    for folder in folders:
        documents += load_partnership(folder, data_dir, definitions, problems, withheld)
    return _Share(documents, list(problems), withheld)


def _package_definitions(problems: Problems) -> dict[str, SharedDefinition]:
    """The shared definitions the package ships (defaults.py), by the name boroughs adopt."""
    definitions = {}
    for path in sorted((DEFAULTS / SHARED_FOLDER).glob("*.yaml")):
        definition = _validate_file(SharedDefinition, path, DEFAULTS, problems)
        if definition is not None:
            definitions[path.stem] = definition
    return definitions


def load_partnership(folder: Path, data_dir: Path, definitions: Mapping[str, SharedDefinition],
                     problems: Problems, withheld: list[Withheld]) -> list[Document]:
    """A partnership's folder: its main document, then each sub-folder as a further document
    (an annual report, an assessment), each with its own editions."""
    main = _document(folder, data_dir, definitions, problems, folder.name, None, withheld)
    documents = [main] if main else []
    taken = _addresses(main) if main else set()
    for sub in _subfolders(folder, skip=(EDITIONS_FOLDER, PUBLISHED_FOLDER)):
        if sub.name in taken:
            problems.add(_shown(sub, data_dir), None, None,
                         f"expected a document folder name that is not also a page or edition "
                         f"of {folder.name}'s main document ('{sub.name}' is both): rename the "
                         "folder")
            continue
        document = _document(sub, data_dir, definitions, problems, folder.name, sub.name,
                             withheld)
        if document is not None:
            documents.append(document)
    return documents


def _document(folder: Path, data_dir: Path, definitions: Mapping[str, SharedDefinition],
              problems: Problems, partnership_folder: str, document_id: str | None,
              withheld: list[Withheld]) -> Document | None:
    """`load_document`; in a preview's load, the document the load before made from the same
    bytes of every file under its folder, with the same shared definitions, if it made one
    without a problem (validating and withholding were a fifth of a preview's rebuild)."""
    parsed = parsed_files()
    if parsed is None:
        return load_document(folder, data_dir, definitions, problems, partnership_folder,
                             document_id, withheld)
    key = (folder, data_dir, partnership_folder, document_id, _folder_state(folder),
           tuple(sorted((name, definition.model_dump_json())
                        for name, definition in definitions.items())))
    earlier = parsed.document(key)
    if earlier is not None:
        kept, left_out = earlier
        withheld.extend(left_out)
        return cast("Document", kept)
    before, withheld_before = len(problems), len(withheld)
    document = load_document(folder, data_dir, definitions, problems, partnership_folder,
                             document_id, withheld)
    if document is not None and len(problems) == before:
        parsed.keep_document(key, (document, tuple(withheld[withheld_before:])))
    return document


def _folder_state(folder: Path) -> tuple[tuple[str, str, bytes], ...]:
    """Everything under a folder: each entry's path, kind and, for a file, its bytes (a link
    by where it points: never followed, nothing outside the data folder is read)."""
    state = []
    for top, folders, files in os.walk(folder, followlinks=False):
        for name in sorted([*folders, *files]):
            path = Path(top) / name
            shown = path.relative_to(folder).as_posix()
            if path.is_symlink():
                state.append((shown, "link", os.readlink(path).encode()))
            elif name in files and path.is_file():
                state.append((shown, "file", path.read_bytes()))
            else:
                state.append((shown, "folder" if name in folders else "other", b""))
    return tuple(sorted(state))


def _addresses(document: Document) -> set[str]:
    """The names under a document's home address already in use."""
    return {*document.latest.page_names(), *RESERVED_NAMES,
            *(edition.identity.edition_id for edition in document.editions)}


def load_document(
    folder: Path,
    data_dir: Path,
    definitions: Mapping[str, SharedDefinition],
    problems: Problems,
    partnership_folder: str,
    document_id: str | None,
    withheld: list[Withheld],
) -> Document | None:
    """A document: its newest edition in the folder itself, earlier ones in `editions/`, and
    its record of published editions in `published.yaml`, checked against the data. Each
    edition is kept as it may be published; what it withholds is added to `withheld`."""
    before = len(problems)
    location = {"folder": partnership_folder, "document": document_id}
    newest = load_edition(folder, data_dir, definitions, problems,
                          location={**location, "latest": True}, root=True)
    earlier: list[Edition] = []
    for sub in _subfolders(folder / EDITIONS_FOLDER, problems=problems, data_dir=data_dir):
        edition = load_edition(sub, data_dir, definitions, problems,
                               location={**location, "latest": False}, root=False)
        if edition is not None and _earlier_edition_ok(sub, edition, data_dir, problems):
            earlier.append(edition)
    manifest, manifest_file = _read_manifest(folder / MANIFEST_FILE, data_dir, problems)
    if newest is None or len(problems) > before:
        return None
    earlier.sort(key=lambda strategy: strategy.identity.published or dt.date.min, reverse=True)
    document = Document(folder=partnership_folder, id=document_id,
                        editions=(newest, *earlier), manifest=manifest)
    # From here on, each edition as it may be published (a copy: withholding a required part
    # leaves a strategy the model would refuse, and rightly, as data).
    public = []
    for edition in document.editions:
        shown, left_out = publishable(edition)
        public.append(shown)
        withheld.extend(left_out)
    document = document.model_copy(update={"editions": tuple(public)})
    _check_edition_addresses(document, folder, data_dir, problems)
    for where, field, message in publication_problems(document, folder, dict(definitions)):
        _place_record_problem(where, field, message, folder, data_dir, manifest_file, document,
                              problems)
    return document if len(problems) == before else None


def _read_manifest(path: Path, data_dir: Path,
                   problems: Problems) -> tuple[Manifest, YamlFile | None]:
    """A document's `published.yaml` (an empty record when there is none), with its lines."""
    if entry(path) is not Entry.FILE:  # a link is reported where its folder is listed
        return Manifest(), None
    manifest_file = _read_part(path, data_dir, problems)
    if manifest_file is None:
        return Manifest(), None
    try:
        return Manifest.model_validate(manifest_file.data), manifest_file
    except ValidationError as error:
        problems.extend(explain(error, Manifest, {(): manifest_file}, manifest_file.path,
                                manifest_file.data))
        return Manifest(), manifest_file


def _place_record_problem(where: str, field: str, message: str, folder: Path, data_dir: Path,
                          manifest_file: YamlFile | None, document: Document,
                          problems: Problems) -> None:
    """Place a broken record rule: in `published.yaml`, or in the edition's strategy.yaml,
    saying where the change may be (the record is one fingerprint of the edition's data)."""
    if where.startswith(f"{PUBLISHED_FOLDER}/"):  # a kept PDF no record names
        problems.add(_shown(folder / where, data_dir), None, None, message)
        return
    if where == "manifest":
        assert manifest_file is not None
        at = _location(field)
        problems.add(manifest_file.path, manifest_file.line(at), field_name(at), message)
        return
    path = folder / EDITIONS_FOLDER / where / "strategy.yaml"
    if entry(path) is Entry.MISSING:
        path = folder / "strategy.yaml"  # the newest edition
    lines = _read_part(path, data_dir, Problems())  # its own problems are reported apart
    edition = next((e for e in document.editions if e.identity.edition_id == where), None)
    adopted = edition.definition.adopts if edition and edition.definition else None
    also = (f" or in the shared definition it adopts ({SHARED_FOLDER}/{adopted}.yaml)"
            if adopted else "")
    message += (f" The change is in one of the files of {_shown(path.parent, data_dir)}/{also}: "
                "the record holds one fingerprint of them all, not one per file.")
    problems.add(_shown(path, data_dir), lines.lines.get((field,)) if lines else None, field,
                 message)


def _earlier_edition_ok(folder: Path, edition: Edition, data_dir: Path,
                        problems: Problems) -> bool:
    """An earlier edition sits in a folder named by its edition and was published."""
    path = folder / "strategy.yaml"
    lines = _read_part(path, data_dir, Problems())  # its own problems are reported apart
    line = lines.lines.get(("edition",)) if lines else None
    if folder.name != edition.identity.edition_id:
        problems.add(
            _shown(path, data_dir), line, "edition",
            f"expected the edition of the folder it is in ('{folder.name}'), found "
            f"'{edition.identity.edition}' (address '{edition.identity.edition_id}'): name the "
            f"folder {EDITIONS_FOLDER}/{edition.identity.edition_id}")
        return False
    if edition.identity.published is None:
        problems.add(
            _shown(path, data_dir), line, "published",
            "expected a 'published' date: an earlier edition is one that was published")
        return False
    return True


def _check_edition_addresses(document: Document, folder: Path, data_dir: Path,
                             problems: Problems) -> None:
    """Each edition's address is its own and not a page's."""
    seen: set[str] = set()
    pages = {*document.latest.page_names(), *RESERVED_NAMES}
    for edition in document.editions:
        ident = edition.identity.edition_id
        path = folder / "strategy.yaml" if edition.latest \
            else folder / EDITIONS_FOLDER / ident / "strategy.yaml"
        if ident in seen or ident in pages:
            what = "another edition" if ident in seen else "a page"
            problems.add(
                _shown(path, data_dir), None, "edition",
                f"expected an edition whose address ('{ident}') is not also {what}'s: "
                "editions are found at their own address")
        seen.add(ident)


def _location(dotted: str) -> Location:
    return tuple(int(part) if part.isdigit() else part for part in dotted.split("."))


def _subfolders(folder: Path, skip: tuple[str, ...] = (), problems: Problems | None = None,
                data_dir: Path | None = None) -> list[Path]:
    """The folders in `folder` (itself not a link), by name; with `problems`, its links and
    odd entries are reported there too (the caller that lists its files reports them
    otherwise)."""
    # The data folder itself may be reached through a link (mkdocs.yml's data_dir).
    if not (folder == data_dir and folder.is_dir()) and entry(folder) is not Entry.FOLDER:
        return []
    paths = (_entries(folder, data_dir, problems) if problems is not None and data_dir else
             sorted(p for p in folder.iterdir() if not p.name.startswith(".")))
    return [p for p in paths if p.name not in skip and entry(p) is Entry.FOLDER]


def _entries(folder: Path, data_dir: Path, problems: Problems) -> list[Path]:
    """What `folder` holds, by name, but dot files; each link or device in it is a problem,
    named, never followed."""
    found = []
    for path in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
        kind = entry(path)
        if kind is Entry.LINK:
            problems.add(_shown(path, data_dir), None, None, LINK_MESSAGE)
        elif kind is Entry.SPECIAL:
            problems.add(_shown(path, data_dir), None, None, SPECIAL_MESSAGE)
        else:
            found.append(path)
    return found


def load_edition(
    folder: Path,
    data_dir: Path,
    definitions: Mapping[str, SharedDefinition],
    problems: Problems,
    location: Mapping[str, Any] | None = None,
    root: bool = True,
) -> Edition | None:
    """One edition of a document: one YAML file per part, validated as a whole strategy.

    `strategy.yaml` comes first: its `template` says which parts are required, and its
    `contents` may name free-form pages, whose files are then expected too. `location` says
    whose it is (partnership, document, whether newest); `root` whether the folder is the
    document's own, where its `published.yaml` may also be.
    """
    shown_folder = _shown(folder, data_dir)
    before = len(problems)
    documents: dict[Location, YamlFile] = {}
    # A link or device is reported where the folder is listed, below.
    identity = (_read_part(folder / "strategy.yaml", data_dir, problems)
                if entry(folder / "strategy.yaml") is Entry.FILE else None)
    raw: dict[str, Any] = identity.data if identity and isinstance(identity.data, dict) else {}
    listed = raw.get("contents")
    contents: list[Any] = listed if isinstance(listed, list) else []
    # Only names that can be files are looked for; the model reports the others.
    pages = [str(name) for name in contents if isinstance(name, str) and is_identifier(name)
             and name not in PART_NAMES and name != APPENDIX_PAGE]
    template = raw.get("template", "london-serious-violence-duty")
    if identity is not None:
        documents[("identity",)] = identity

    known = [f"{name}.yaml" for name in (*PART_NAMES, *pages)]
    for path in _entries(folder, data_dir, problems):
        if entry(path) is Entry.FOLDER or path.name == "strategy.yaml" or (
                root and path.name == MANIFEST_FILE):
            continue
        if path.name not in known:
            problems.add(
                _shown(path, data_dir), None, None,
                f"unknown file '{path.name}'{suggest(path.name, known)}; expected one of: "
                f"{', '.join(known)} (a free-form page must be listed in strategy.yaml's "
                "'contents')",
            )
            continue
        document = _read_part(path, data_dir, problems)
        if document is not None:
            at: Location = ("pages", path.stem) if path.stem in pages else (PART_NAMES[path.stem],)
            documents[at] = document

    required = [*TEMPLATES.get(str(template), ()), *pages]
    for name in ("strategy", *required):
        if entry(folder / f"{name}.yaml") is Entry.MISSING:
            why = ("it is listed in strategy.yaml's 'contents'" if name in pages
                   else f"the {template} template needs this part" if name != "strategy"
                   else "every strategy has this part")
            problems.add(_shown(folder / f"{name}.yaml", data_dir), None, None,
                         f"required file is missing: {why}")
    if len(problems) > before:
        return None

    todos = [todo for document in documents.values() for todo in todo_markers(document)]
    where = location or {"folder": folder.name}
    data: dict[str, Any] = {**where, "pages": {}}
    for key, document in documents.items():
        if key[0] == "pages":
            data["pages"][key[1]] = document.data
        else:
            data[str(key[0])] = document.data
    languages = languages_of(raw)
    if not languages:
        for at in _language_maps(data):
            problems.extend([placed(documents, shown_folder, at, (
                "expected one text; found one per language: a strategy in more than one "
                "language says so in strategy.yaml (languages: [cy, en], the default first)"))])
        if len(problems) > before:
            return None
        return _validated(data, documents, shown_folder, todos, definitions, problems)
    return _bilingual(data, languages, raw, documents, shown_folder, todos, definitions,
                      problems)


def _validated(data: dict[str, Any], documents: Mapping[Location, YamlFile], shown_folder: Path,
               todos: list[DataProblem], definitions: Mapping[str, SharedDefinition],
               problems: Problems) -> Edition | None:
    """The edition the data makes, or None with every problem noted: pydantic's, each value
    still marked TODO, every broken cross-reference."""
    before = len(problems)
    cross_references: list[tuple[Location, str]] = []
    try:
        strategy = Edition.model_validate(data, context={PROBLEMS: cross_references})
    except ValidationError as error:
        # A value still marked TODO is reported as such, not as the wrong type it also is.
        marked = {(todo.file, todo.line) for todo in todos}
        problems.extend(problem for problem in explain(error, Edition, documents,
                                                       shown_folder, data)
                        if (problem.file, problem.line) not in marked)
        problems.extend(todos)
        return None
    if todos:
        problems.extend(todos)
        return None
    if cross_references:  # every one of them, not only the first
        problems.extend(placed(documents, shown_folder, at, message)
                        for at, message in cross_references)
        return None
    _check_adopted_definition(strategy, documents.get(("definition",)), definitions, problems)
    return strategy if len(problems) == before else None


def _bilingual(data: dict[str, Any], languages: tuple[str, ...], identity: dict[str, Any],
               documents: Mapping[Location, YamlFile], shown_folder: Path,
               todos: list[DataProblem], definitions: Mapping[str, SharedDefinition],
               problems: Problems) -> Edition | None:
    """A strategy in several languages: one edition per language from the same files, the
    default language's with the others as its `translations` (loading/languages.py)."""
    found = Problems()
    if "language" in identity:
        found.extend([placed(documents, shown_folder, ("identity", "language"),
                             "expected no 'language' beside 'languages': each version's "
                             "language is set from 'languages' (remove this line)")])
    versions: list[Edition] = []
    for language in languages:
        projection = project(data, language, languages)
        for at, message in projection.problems:
            found.extend([placed(documents, shown_folder, at, message)])
        if language == languages[0]:
            for at in texts_given_once(Edition, projection.data, projection.given_once):
                found.extend([placed(documents, shown_folder, at, (
                    f"expected this text in each of the strategy's languages "
                    f"({', '.join(languages)}), like {languages[0]}: ... and "
                    f"{languages[-1]}: ... (a person's name and the edition's are given "
                    "once)"))])
        version = _validated(with_language(projection.data, language), documents,
                             shown_folder, todos if language == languages[0] else [],
                             definitions, found)
        if version is not None:
            versions.append(version)
    problems.extend(_once_each(found))
    if len(versions) < len(languages) or len(found):
        return None
    return versions[0].model_copy(update={"translations": tuple(versions[1:])})


def _once_each(found: Problems) -> list[DataProblem]:
    """Problems found in more than one language's version, each said once; where the
    language maps say what is wrong on a line, what pydantic then says of the same line
    is left out."""
    seen: set[tuple[Path, int | None, str | None, str]] = set()
    lines: set[tuple[Path, int | None]] = set()
    kept: list[DataProblem] = []
    for problem in found:
        key = (problem.file, problem.line, problem.field, problem.message)
        if key in seen or ((problem.file, problem.line) in lines and problem.line is not None):
            continue
        seen.add(key)
        lines.add((problem.file, problem.line))
        kept.append(problem)
    return kept


def _language_maps(value: Any, at: Location = ()) -> Iterator[Location]:
    """Where a strategy in one language gives a text per language."""
    if is_language_map(value):
        yield at
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _language_maps(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _language_maps(item, (*at, index))


TODO_MARK = "TODO"
"""How a value still to be written starts (`strategy-site new` writes them)."""


def todo_markers(document: YamlFile) -> list[DataProblem]:
    """Every value of a file still marked TODO, with its line and field: what an officer has
    left to write."""
    found: list[DataProblem] = []

    def visit(value: Any, at: Location) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                if isinstance(key, str) and key.startswith(TODO_MARK):
                    found.append(_todo(document, at, key))
                visit(child, (*at, key))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                visit(child, (*at, index))
        elif isinstance(value, str) and value.startswith(TODO_MARK):
            found.append(_todo(document, at, value))

    visit(document.data, ())
    return found


def _todo(document: YamlFile, at: Location, text: str) -> DataProblem:
    hint = " ".join(text[len(TODO_MARK):].split()).strip(" :-") or "a value"
    return DataProblem(document.path, document.line(at), field_name(at) or None,
                       f"still to do: {hint}")


def _read_part(path: Path, data_dir: Path, problems: Problems) -> YamlFile | None:
    """One file of the data folder, with its lines; None, and its problems noted, if it is
    not readable YAML."""
    try:
        return read_yaml(path, _shown(path, data_dir), data_dir)
    except StrategyDataError as error:
        problems.extend(error.problems)
        return None


def _validate_file(
    model: type[BaseModel], path: Path, data_dir: Path, problems: Problems
) -> Any:
    """One file validated on its own (a shared definition, the timetable); None, and its
    problems noted, if it is not valid."""
    document = _read_part(path, data_dir, problems)
    if document is None:
        return None
    try:
        return model.model_validate(document.data)
    except ValidationError as error:
        problems.extend(explain(error, model, {(): document}, document.path, document.data))
        return None


def _check_adopted_definition(strategy: Edition, document: YamlFile | None,
                              definitions: Mapping[str, SharedDefinition],
                              problems: Problems) -> None:
    """The shared definition a strategy adopts is one the site has."""
    adopted = strategy.definition.adopts if strategy.definition else None
    if adopted is None or adopted in definitions or document is None:
        return
    problems.add(
        document.path, document.lines.get(("adopts",)), "adopts",
        f"expected the name of a shared definition in {SHARED_FOLDER}/ "
        f"({', '.join(definitions) or 'there are none'}); "
        f"found the text '{adopted}'{suggest(adopted, list(definitions))}",
    )


def _shown(path: Path, data_dir: Path) -> Path:
    """The path as an officer knows it: from the folder above `strategy_data/`."""
    try:
        return path.relative_to(data_dir.parent)
    except ValueError:
        return path
