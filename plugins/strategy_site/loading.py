"""Read `strategy_data/` into the model, or say exactly what is wrong and where.

PyYAML's node marks give each value its line; pydantic gives each error its field path. This
module joins the two so that an officer reads "funding.yaml:14: field 'amounts.2022/2023':
expected ..., found ..." rather than a traceback. Duplicate keys, which PyYAML would silently
resolve by keeping the last, are errors here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import re
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .addresses import RESERVED_NAMES
from .datafiles import (
    LINK_MESSAGE,
    SPECIAL_MESSAGE,
    DataFileError,
    Entry,
    TooLarge,
    entry,
    read_inside,
)
from .defaults import DEFAULTS, extended
from .model import (
    APPENDIX_PAGE,
    EXCERPT,
    PART_NAMES,
    PLAIN_NUMBER,
    PROBLEMS,
    TEMPLATES,
    Document,
    Manifest,
    SharedDefinition,
    Site,
    Strategy,
    Timetable,
    Withheld,
    excerpt,
    is_identifier,
)
from .records import EDITIONS_FOLDER, MANIFEST_FILE, PUBLISHED_FOLDER, record_problems
from .withholding import publishable

Location = tuple[str | int, ...]

TIMETABLE_FILE = "timetable.yaml"
"""The statutory timetable, at the top of `strategy_data/`."""

SHARED_FOLDER = "shared"
"""The folder of `strategy_data/` that holds what many boroughs share, not a borough."""


@dataclass(frozen=True)
class DataProblem:
    """One thing wrong in the data, with where it is."""

    file: Path
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        field = f" field '{self.field}':" if self.field else ""
        return f"{where}:{field} {self.message}"


class StrategyDataError(Exception):
    """The data cannot be published; `problems` says every reason found."""

    def __init__(self, problems: list[DataProblem]) -> None:
        self.problems = problems
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"The strategy data has {count}:\n{lines}")


@dataclass(frozen=True)
class YamlFile:
    """A YAML file's data and the line of every value in it (1-based), by field path."""

    path: Path
    data: Any
    lines: dict[Location, int]
    written: dict[Location, str] = dataclasses.field(default_factory=dict)
    """What was typed for each plain value YAML read as something other than text (`No`
    is false, `2024` a number), and for each such key at (*where, key, "[key]"): messages
    quote it back."""


# --- reading one YAML file ----------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps node marks; we build Python values ourselves to record lines."""


_AnyLoader = yaml.SafeLoader | yaml.CSafeLoader


_FastLoader: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)
"""libyaml's parser, about ten times faster than PyYAML's own, when PyYAML was built with it."""


MAX_FILE_BYTES = 10 * 1024 * 1024
"""No strategy file comes near this (the largest in the seeds is under 100 KB); a bigger one
is the wrong file, and reading it whole would hold up every build."""


def read_yaml(path: Path, shown_as: Path | None = None, inside: Path | None = None) -> YamlFile:
    """Parse one YAML file of the data folder `inside` (default: the file's own folder); raise
    StrategyDataError naming the file and line if it is bad."""
    shown = shown_as or path

    def stop(message: str, line: int | None = None) -> StrategyDataError:
        return StrategyDataError([DataProblem(shown, line, None, message)])

    try:
        raw = read_inside(path, inside or path.parent, MAX_FILE_BYTES)
        # A byte-order mark (some Windows editors write one) is not content.
        text = raw.decode("utf-8-sig")
    except TooLarge as error:
        found = f"{error.size / 2**20:.1f} MB" if error.size is not None else "more"
        raise stop(f"expected a strategy file of at most {MAX_FILE_BYTES // 2**20} MB, found "
                   f"{found}: is this the right file?") from None
    except DataFileError as error:
        raise stop(str(error)) from None
    except UnicodeDecodeError as error:
        raise _not_utf8(shown, raw, error) from None
    loader: _AnyLoader | None = None
    try:
        loader, node = _parse(text)
        if node is None:
            raise stop("expected YAML content, found an empty file")
        builder = _Builder(loader, shown, text)
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as error:
        raise StrategyDataError([_syntax_problem(shown, error, text)]) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise stop(f"this is not valid YAML: it holds the character U+{error.character:04X}, "
                   "which YAML does not allow (a control character); delete it",
                   line) from None
    except RecursionError:
        raise stop("this is not valid YAML for a strategy: its lists or blocks are nested "
                   "hundreds of levels deep") from None
    finally:
        if loader is not None:
            loader.dispose()
    if builder.problems:
        raise StrategyDataError(builder.problems)
    return YamlFile(shown, data, builder.lines, builder.written)


def _not_utf8(shown: Path, raw: bytes, error: UnicodeDecodeError) -> StrategyDataError:
    """Where the byte is, and what it was meant to be: a file saved as Windows-1252 (the
    encoding Windows editors fall back to) holds '£' as the byte 0xA3."""
    at = error.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
    line = raw.count(b"\n", 0, at) + 1
    byte = raw[at:at + 1]
    try:
        meant = byte.decode("cp1252")
    except UnicodeDecodeError:
        meant = ""
    guess = (f" ('{meant}' in Windows-1252, the encoding the file was probably saved in)"
             if meant.isprintable() and not meant.isspace() and meant else "")
    return StrategyDataError([DataProblem(shown, line, None, (
        f"expected UTF-8 text, found the byte 0x{byte.hex().upper()}{guess}, at byte {at} of "
        "the file, which is not UTF-8: save the file as UTF-8 (in Notepad: File, Save as, "
        "Encoding: UTF-8)"))])


def _parse(text: str) -> tuple[_AnyLoader, yaml.Node | None]:
    """The file's node tree, with the line of every node: parsed by libyaml when it can, as
    parsing is most of the time to load a site. A file libyaml refuses is parsed again by
    PyYAML's own parser, whose messages and marks are the ones officers are shown (and which
    refuses characters YAML does not allow with a ReaderError)."""
    if _FastLoader is not None:
        fast = _FastLoader(text)
        try:
            return fast, fast.get_single_node()
        except Exception:  # whatever it was, the explaining parser says what and where
            fast.dispose()
    loader = _Loader(text)
    return loader, loader.get_single_node()


def _syntax_problem(path: Path, error: yaml.MarkedYAMLError, text: str) -> DataProblem:
    """Where the parser gave up, and where the block it was reading began; for the mistakes
    people make most, what to do about it."""
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    message = f"this is not valid YAML: {error.problem or error.context}"
    context = error.context_mark
    if error.context and context and context.line + 1 != line:
        message += f" ({error.context} that starts on line {context.line + 1})"
    if "\\t" in (error.problem or ""):
        message += "; YAML indents with spaces, never tabs"
    if error.problem == "mapping values are not allowed here" and mark is not None:
        rows = re.split(r"\r\n|[\r\n]", text)
        message += _colon_in_value(rows[mark.line] if mark.line < len(rows) else "")
    return DataProblem(path, line, None, message)


_KEY_AND_VALUE = re.compile(r"^(\s*(?:-\s+)*(?:\"[^\"]*\"|'[^']*'|[^\s\"'#][^:]*?):\s+)(\S.*?)\s*$")
"""A line `name: value`, the name (with its indentation and any list dashes) and the value."""


def _colon_in_value(row: str) -> str:
    """`title: Our aims with a focus on:` reads, to YAML, as a name inside a value (a colon
    then a space or the line's end starts one): the fix is quotes around the value."""
    advice = ("; a colon followed by a space, or at the end of a value, starts a new "
              "'name: value' in YAML, so a value holding one must be in quotes")
    match = _KEY_AND_VALUE.match(row)
    if match is None or match.group(2)[0] in "\"'":
        return advice
    quoted = json.dumps(match.group(2), ensure_ascii=False)
    return f"{advice}: {excerpt(match.group(1).strip() + ' ' + quoted, 2 * EXCERPT)}"


_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})

_TYPED_FORM = re.compile(r"-?" + PLAIN_NUMBER.pattern)
"""How a number is written for YAML's reading of it to be what a person meant."""

_COMMA_PART = re.compile(r"[0-9]{3}(?:\.[0-9]+)?")
"""What follows a thousands separator."""

_HASH_VALUE = re.compile(r"\s+#(\S.*)$")
"""A value written after the colon that YAML reads as a comment: '# ' then words is a comment
as meant, '#word' (a hashtag, a colour) is a value that needs quotes."""


class _Builder:
    """Builds a file's values from its nodes, recording the line of every value, what was
    typed where YAML reads it as something else, and every problem found on the way."""

    def __init__(self, loader: _AnyLoader, path: Path, text: str) -> None:
        self.loader = loader
        self.path = path
        self.source = re.split(r"\r\n|[\r\n\x85\u2028\u2029]", text)
        self.lines: dict[Location, int] = {}
        self.written: dict[Location, str] = {}
        self.problems: list[DataProblem] = []
        self.visited: set[int] = set()

    def problem(self, line: int | None, at: Location, message: str) -> None:
        self.problems.append(DataProblem(self.path, line, _field_name(at) or None, message))

    def build(self, node: yaml.Node, at: Location) -> Any:
        """The value of a node, with the line of every value in it. A node met twice is a
        YAML alias (`*name`): refused, as an alias can hide what a page says, and one that
        refers to itself, or to aliases of aliases, never ends or grows without bound."""
        line = node.start_mark.line + 1
        self.lines.setdefault(at, line)
        if id(node) in self.visited:
            # The alias has no node of its own: its key's line, if it has a key.
            self.problem(self.lines[at], at,
                         "expected the value written out in full; found a YAML alias (*name) "
                         "or merge (<<), which strategy files do not use")
            return None
        self.visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, at)
        if isinstance(node, yaml.SequenceNode):
            if node.flow_style:
                self._commas([((*at, index), item) for index, item in enumerate(node.value)])
            return [self.build(item, (*at, index)) for index, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, at)

    def _mapping(self, node: yaml.MappingNode, at: Location) -> dict[Any, Any]:
        self.loader.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        placed: list[tuple[Location, yaml.Node]] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node.start_mark.line + 1, at,
                             "expected a plain name before the colon, found a list or block")
                continue
            key = self._scalar(key_node, None)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                key = str(key)
            if key in mapping:
                first = self.lines.get((*at, key))
                self.problem(key_node.start_mark.line + 1, (*at, key),
                             f"this key appears twice in the same block (first on line {first}); "
                             "expected each key once")
                continue
            if key_node.tag in _NUMBER_TAGS:
                self.written[(*at, key, "[key]")] = key_node.value
            self.lines[(*at, key)] = key_node.start_mark.line + 1
            placed += [((*at, key), key_node), ((*at, key), value_node)]
            mapping[key] = self.build(value_node, (*at, key))
        if node.flow_style:
            self._commas(placed)
        return mapping

    def _scalar(self, node: yaml.ScalarNode, at: Location | None) -> Any:
        """A scalar's value as the officer meant it. A number is a number only when written
        as one (0125305 and 12:53 stay text for the model to refuse with the fix, where YAML 1.1
        reads 43717 and 773); an impossible date (2024-02-30) stays text as well."""
        plain = node.style in (None, "")
        if node.tag in _NUMBER_TAGS and not _TYPED_FORM.fullmatch(node.value):
            return node.value
        if at is not None and plain and node.tag == "tag:yaml.org,2002:null" and not node.value:
            self._comment_for_value(node, at)
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, KeyError, AttributeError, TypeError, OverflowError):
            # An impossible date, or a value its tag cannot make (`!!bool maybe`): the text as
            # written, which the model then accepts as text or refuses with what it expected.
            return node.value
        if at is not None and plain and not isinstance(value, str) and value is not None:
            self.written[at] = node.value
        return value

    def _comment_for_value(self, node: yaml.ScalarNode, at: Location) -> None:
        """`hashtag: #SaferBD` reads as an empty hashtag: say so, rather than drop it."""
        mark = node.start_mark
        row = self.source[mark.line] if mark.line < len(self.source) else ""
        match = _HASH_VALUE.match(row[mark.column:])
        if match:
            meant = excerpt("#" + match.group(1).rstrip())
            self.problem(mark.line + 1, at,
                         f"found no value, only a comment: in YAML a # after a space starts a "
                         f"comment, so '{meant}' is not read; put the value in quotes: "
                         f"{json.dumps(meant, ensure_ascii=False)}")

    def _commas(self, nodes: list[tuple[Location, yaml.Node]]) -> None:
        """`[51, 1,257]` or `{a: 125,305}`: between brackets a comma separates entries, so a
        thousands separator makes two numbers of one (or a key of its second half)."""
        index = 0
        while index < len(nodes) - 1:
            at, first = nodes[index]
            run = [first]
            while index + len(run) < len(nodes) and _continues(run[-1],
                                                               nodes[index + len(run)][1]):
                run.append(nodes[index + len(run)][1])
            if len(run) > 1:
                parts = [str(node.value) for node in run]
                self.problem(first.start_mark.line + 1, at, (
                    f"found {','.join(parts)}: between brackets [ ] or braces {{ }} a comma "
                    f"separates entries, so YAML reads this as {' and then '.join(parts)}; "
                    f"write {''.join(parts)} (no commas in numbers)"))
            index += len(run)


def _continues(before: yaml.Node, after: yaml.Node) -> bool:
    """Whether `after` is the rest of a number that `before` began, cut at a comma."""
    return (isinstance(before, yaml.ScalarNode) and isinstance(after, yaml.ScalarNode)
            and before.style in (None, "") and after.style in (None, "")
            and before.value.isdigit() and bool(_COMMA_PART.fullmatch(after.value))
            and before.end_mark.line == after.start_mark.line
            and after.start_mark.column == before.end_mark.column + 1)


# --- reading the whole data folder --------------------------------------------------------


def load_site(data_dir: Path) -> Site:
    """Read every partnership folder and the shared definitions; all problems are reported
    at once."""
    problems: list[DataProblem] = []
    definitions = _package_definitions(problems)  # the site's own shared/ replaces by name
    shared = data_dir / SHARED_FOLDER
    for path in _entries(shared, data_dir, problems) if entry(shared) is Entry.FOLDER else []:
        if path.suffix == ".yaml" and entry(path) is Entry.FILE:
            if not is_identifier(path.stem):
                problems.append(DataProblem(
                    _shown(path, data_dir), None, None,
                    "expected a file name of lower-case letters, digits and hyphens (it is the "
                    f"name boroughs adopt it by), like 'london-definition.yaml'; found "
                    f"'{path.name}'"))
                continue
            definition = _validate_file(SharedDefinition, path, data_dir, problems)
            if definition is not None:
                definitions[path.stem] = definition

    timetable = None
    if entry(data_dir / TIMETABLE_FILE) is Entry.FILE:
        timetable = _validate_file(Timetable, data_dir / TIMETABLE_FILE, data_dir, problems)
    if timetable is not None and timetable.extends is not None:
        statutory = _validate_file(Timetable, DEFAULTS / TIMETABLE_FILE, DEFAULTS, problems)
        timetable = extended(timetable, statutory) if statutory is not None else None

    documents: list[Document] = []
    withheld: list[Withheld] = []
    folders = _subfolders(data_dir, skip=(SHARED_FOLDER,), problems=problems, data_dir=data_dir)
    if not folders:
        problems.append(DataProblem(_shown(data_dir, data_dir), None, None,
                                    "expected at least one borough folder, found none"))
    for folder in folders:
        documents += load_partnership(folder, data_dir, definitions, problems, withheld)
    if problems:
        raise StrategyDataError(problems)
    return Site(documents=tuple(documents), definitions=definitions, timetable=timetable,
                withheld=tuple(withheld))


def _package_definitions(problems: list[DataProblem]) -> dict[str, SharedDefinition]:
    """The shared definitions the package ships (defaults.py), by the name boroughs adopt."""
    definitions = {}
    for path in sorted((DEFAULTS / SHARED_FOLDER).glob("*.yaml")):
        definition = _validate_file(SharedDefinition, path, DEFAULTS, problems)
        if definition is not None:
            definitions[path.stem] = definition
    return definitions


def load_partnership(folder: Path, data_dir: Path, definitions: Mapping[str, SharedDefinition],
                     problems: list[DataProblem], withheld: list[Withheld]) -> list[Document]:
    """A partnership's folder: its main document, then each sub-folder as a further document
    (an annual report, an assessment), each with its own editions."""
    main = load_document(folder, data_dir, definitions, problems, folder.name, None, withheld)
    documents = [main] if main else []
    taken = _addresses(main) if main else set()
    for sub in _subfolders(folder, skip=(EDITIONS_FOLDER, PUBLISHED_FOLDER)):
        if sub.name in taken:
            problems.append(DataProblem(_shown(sub, data_dir), None, None,
                                        f"expected a document folder name that is not also a "
                                        f"page or edition of {folder.name}'s main document "
                                        f"('{sub.name}' is both): rename the folder"))
            continue
        document = load_document(sub, data_dir, definitions, problems, folder.name, sub.name,
                                 withheld)
        if document is not None:
            documents.append(document)
    return documents


def _addresses(document: Document) -> set[str]:
    """The names under a document's home address already in use."""
    return {*document.latest.page_names(), *RESERVED_NAMES,
            *(edition.identity.edition_id for edition in document.editions)}


def load_document(
    folder: Path,
    data_dir: Path,
    definitions: Mapping[str, SharedDefinition],
    problems: list[DataProblem],
    partnership_folder: str,
    document_id: str | None,
    withheld: list[Withheld],
) -> Document | None:
    """A document: its newest edition in the folder itself, earlier ones in `editions/`, and
    its record of published editions in `published.yaml`, checked against the data. Each
    edition is kept as it may be published; what it withholds is added to `withheld`."""
    before = len(problems)
    location = {"folder": partnership_folder, "document": document_id}
    newest = load_strategy(folder, data_dir, definitions, problems,
                           location={**location, "latest": True}, root=True)
    earlier: list[Strategy] = []
    for sub in _subfolders(folder / EDITIONS_FOLDER, problems=problems, data_dir=data_dir):
        edition = load_strategy(sub, data_dir, definitions, problems,
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
    problems.extend(_edition_clashes(document, folder, data_dir))
    for where, field, message in record_problems(document, folder, dict(definitions)):
        problems.append(_record_problem(where, field, message, folder, data_dir, manifest_file,
                                        document))
    return document if len(problems) == before else None


def _read_manifest(path: Path, data_dir: Path,
                   problems: list[DataProblem]) -> tuple[Manifest, YamlFile | None]:
    """A document's `published.yaml` (an empty record when there is none), with its lines."""
    if entry(path) is not Entry.FILE:  # a link is reported where its folder is listed
        return Manifest(), None
    manifest_file = _read_part(path, data_dir, problems)
    if manifest_file is None:
        return Manifest(), None
    try:
        return Manifest.model_validate(manifest_file.data), manifest_file
    except ValidationError as error:
        problems.extend(_explain(error, Manifest, {(): manifest_file}, manifest_file.path,
                                 manifest_file.data))
        return Manifest(), manifest_file


def _record_problem(where: str, field: str, message: str, folder: Path, data_dir: Path,
                    manifest_file: YamlFile | None, document: Document) -> DataProblem:
    """Place a broken record rule: in `published.yaml`, or in the edition's strategy.yaml,
    saying where the change may be (the record is one fingerprint of the edition's data)."""
    if where.startswith(f"{PUBLISHED_FOLDER}/"):  # a kept PDF no record names
        return DataProblem(_shown(folder / where, data_dir), None, None, message)
    if where == "manifest":
        assert manifest_file is not None
        at = _location(field)
        return DataProblem(manifest_file.path, _line(manifest_file, at), _field_name(at),
                           message)
    path = folder / EDITIONS_FOLDER / where / "strategy.yaml"
    if entry(path) is Entry.MISSING:
        path = folder / "strategy.yaml"  # the newest edition
    lines = _read_part(path, data_dir, [])
    edition = next((e for e in document.editions if e.identity.edition_id == where), None)
    adopted = edition.definition.adopts if edition and edition.definition else None
    also = (f" or in the shared definition it adopts ({SHARED_FOLDER}/{adopted}.yaml)"
            if adopted else "")
    message += (f" The change is in one of the files of {_shown(path.parent, data_dir)}/{also}: "
                "the record holds one fingerprint of them all, not one per file.")
    return DataProblem(_shown(path, data_dir), lines.lines.get((field,)) if lines else None,
                       field, message)


def _earlier_edition_ok(folder: Path, edition: Strategy, data_dir: Path,
                        problems: list[DataProblem]) -> bool:
    """An earlier edition sits in a folder named by its edition and was published."""
    path = folder / "strategy.yaml"
    lines = _read_part(path, data_dir, [])
    line = lines.lines.get(("edition",)) if lines else None
    if folder.name != edition.identity.edition_id:
        problems.append(DataProblem(
            _shown(path, data_dir), line, "edition",
            f"expected the edition of the folder it is in ('{folder.name}'), found "
            f"'{edition.identity.edition}' (address '{edition.identity.edition_id}'): name the "
            f"folder {EDITIONS_FOLDER}/{edition.identity.edition_id}"))
        return False
    if edition.identity.published is None:
        problems.append(DataProblem(
            _shown(path, data_dir), line, "published",
            "expected a 'published' date: an earlier edition is one that was published"))
        return False
    return True


def _edition_clashes(document: Document, folder: Path, data_dir: Path) -> list[DataProblem]:
    """Each edition's address is its own and not a page's."""
    problems: list[DataProblem] = []
    seen: set[str] = set()
    pages = {*document.latest.page_names(), *RESERVED_NAMES}
    for edition in document.editions:
        ident = edition.identity.edition_id
        path = folder / "strategy.yaml" if edition.latest \
            else folder / EDITIONS_FOLDER / ident / "strategy.yaml"
        if ident in seen or ident in pages:
            what = "another edition" if ident in seen else "a page"
            problems.append(DataProblem(
                _shown(path, data_dir), None, "edition",
                f"expected an edition whose address ('{ident}') is not also {what}'s: "
                "editions are found at their own address"))
        seen.add(ident)
    return problems


def _location(dotted: str) -> Location:
    return tuple(int(part) if part.isdigit() else part for part in dotted.split("."))


def _subfolders(folder: Path, skip: tuple[str, ...] = (), problems: list[DataProblem] | None = None,
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


def _entries(folder: Path, data_dir: Path, problems: list[DataProblem]) -> list[Path]:
    """What `folder` holds, by name, but dot files; each link or device in it is a problem,
    named, never followed."""
    found = []
    for path in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
        kind = entry(path)
        if kind is Entry.LINK:
            problems.append(DataProblem(_shown(path, data_dir), None, None, LINK_MESSAGE))
        elif kind is Entry.SPECIAL:
            problems.append(DataProblem(_shown(path, data_dir), None, None, SPECIAL_MESSAGE))
        else:
            found.append(path)
    return found


def load_strategy(
    folder: Path,
    data_dir: Path,
    definitions: Mapping[str, SharedDefinition],
    problems: list[DataProblem],
    location: Mapping[str, Any] | None = None,
    root: bool = True,
) -> Strategy | None:
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
            problems.append(DataProblem(
                _shown(path, data_dir), None, None,
                f"unknown file '{path.name}'{_suggest(path.name, known)}; expected one of: "
                f"{', '.join(known)} (a free-form page must be listed in strategy.yaml's "
                "'contents')",
            ))
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
            problems.append(DataProblem(_shown(folder / f"{name}.yaml", data_dir), None, None,
                                        f"required file is missing: {why}"))
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
    cross_references: list[tuple[Location, str]] = []
    try:
        strategy = Strategy.model_validate(data, context={PROBLEMS: cross_references})
    except ValidationError as error:
        # A value still marked TODO is reported as such, not as the wrong type it also is.
        marked = {(todo.file, todo.line) for todo in todos}
        problems.extend(problem for problem in _explain(error, Strategy, documents,
                                                        shown_folder, data)
                        if (problem.file, problem.line) not in marked)
        problems.extend(todos)
        return None
    if todos:
        problems.extend(todos)
        return None
    if cross_references:  # every one of them, not only the first
        problems.extend(_placed(documents, shown_folder, at, message)
                        for at, message in cross_references)
        return None
    unknown = _unknown_shared_definition(strategy, documents.get(("definition",)), definitions)
    if unknown:
        problems.append(unknown)
        return None
    return strategy


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
    return DataProblem(document.path, _line(document, at), _field_name(at) or None,
                       f"still to do: {hint}")


def _read_part(path: Path, data_dir: Path, problems: list[DataProblem]) -> YamlFile | None:
    try:
        return read_yaml(path, _shown(path, data_dir), data_dir)
    except StrategyDataError as error:
        problems.extend(error.problems)
        return None


def _validate_file(
    model: type[BaseModel], path: Path, data_dir: Path, problems: list[DataProblem]
) -> Any:
    try:
        document = read_yaml(path, _shown(path, data_dir), data_dir)
    except StrategyDataError as error:
        problems.extend(error.problems)
        return None
    try:
        return model.model_validate(document.data)
    except ValidationError as error:
        problems.extend(_explain(error, model, {(): document}, document.path, document.data))
        return None


def _unknown_shared_definition(
    strategy: Strategy, document: YamlFile | None, definitions: Mapping[str, SharedDefinition]
) -> DataProblem | None:
    adopted = strategy.definition.adopts if strategy.definition else None
    if adopted is None or adopted in definitions or document is None:
        return None
    return DataProblem(
        document.path, document.lines.get(("adopts",)), "adopts",
        f"expected the name of a shared definition in {SHARED_FOLDER}/ "
        f"({', '.join(definitions) or 'there are none'}); "
        f"found the text '{adopted}'{_suggest(adopted, list(definitions))}",
    )


def _shown(path: Path, data_dir: Path) -> Path:
    """The path as an officer knows it: from the folder above `strategy_data/`."""
    try:
        return path.relative_to(data_dir.parent)
    except ValueError:
        return path


# --- turning pydantic's errors into plain English ----------------------------------------


def _explain(
    error: ValidationError,
    model: type[BaseModel],
    documents: Mapping[Location, YamlFile],
    fallback: Path,
    data: Any,
) -> Iterator[DataProblem]:
    """Each pydantic error as a problem in the file and on the line it comes from."""
    details = error.errors(include_url=False)
    misspelt = {
        (*d["loc"][:-1], close[0])
        for d in details if d["type"] == "extra_forbidden"
        for close in [_close(str(d["loc"][-1]), _fields_at(model, tuple(d["loc"][:-1])))]
        if close
    }
    for detail in details:
        if detail["type"] == "missing" and tuple(detail["loc"]) in misspelt:
            continue  # "unknown field 'auther' (did you mean 'author'?)" says it already
        if detail["type"] == "too_short" and any(
                other["loc"][:len(detail["loc"])] == detail["loc"]
                and len(other["loc"]) > len(detail["loc"]) for other in details):
            continue  # the list is "too short" only because its entries are wrong: say those
        typed_loc: Location = tuple(part for part in detail["loc"] if part != "[key]")
        message = _message(detail, model, typed_loc)
        loc = _without_union_tags(data, typed_loc)
        ctx = detail.get("ctx") or {}
        if "at" in ctx:
            loc = (*loc, *ctx["at"])
            detail["input"] = _value_at(detail["input"], ctx["at"])
            message = _message(detail, model, typed_loc)
        elif detail["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc = (*loc, str(ctx.get("discriminator", "kind")).strip("'"))
        value = detail["input"]
        if detail["type"] == "string_type" and isinstance(value, (bool, int, float, dt.date)):
            found = _in_file(documents, (*loc, "[key]") if "[key]" in detail["loc"] else loc)
            message = _quotes_needed(value, found[0].written.get(found[1]) if found else None)
        yield _placed(documents, fallback, loc, message)


def _quotes_needed(value: bool | int | float | dt.date, written: str | None) -> str:
    """Text that YAML read as a number, a date or true/false, and how to keep it text."""
    typed = written if written is not None else str(value)
    found = (f"{typed}, which YAML reads as the value {str(value).lower()}"
             if isinstance(value, bool) else _describe(value))
    return (f"expected text; found {found}: put it in quotes "
            f"({json.dumps(typed, ensure_ascii=False)}) to keep it as text")


def _in_file(documents: Mapping[Location, YamlFile],
             at: Location) -> tuple[YamlFile, Location] | None:
    """The file a field path of the whole strategy is in, and the path within that file."""
    prefix = max((key for key in documents if at[:len(key)] == key), key=len, default=None)
    return None if prefix is None else (documents[prefix], at[len(prefix):])


def _placed(documents: Mapping[Location, YamlFile], fallback: Path, at: Location,
            message: str) -> DataProblem:
    """A problem found at a field path of the whole strategy, in its file and on its line."""
    found = _in_file(documents, at)
    if found is None:
        return DataProblem(fallback, None, _field_name(at) or None, message)
    document, field_at = found
    return DataProblem(document.path, _line(document, field_at),
                       _field_name(field_at, document.data) or None, message)


def _without_union_tags(data: Any, loc: Location) -> Location:
    """Drop the `kind` tags pydantic puts in the path of a tagged union ('diagrams[1].tree').

    The tag comes first after the path enters the union's value, and may equal a field's name
    (a `groups` diagram has a `groups` field), so only that first step is dropped.
    """
    kept: list[str | int] = []
    entered = True
    for part in loc:
        if entered and isinstance(data, dict) and data.get("kind") == part:
            entered = False
            continue
        kept.append(part)
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            data = None
        entered = True
    return tuple(kept)


def _value_at(data: Any, loc: Location) -> Any:
    """The raw value found by following `loc` into a model's input (or the model itself)."""
    for part in loc:
        if isinstance(data, BaseModel):
            data = getattr(data, str(part), None)
        elif isinstance(data, (dict, list, tuple)):
            try:
                data = data[part]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                return None
        else:
            return None
    return data


def _line(document: YamlFile, loc: Location) -> int | None:
    """The line of the deepest part of `loc` that the file has (a missing key: its parent)."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in document.lines:
            return document.lines[loc[:end]]
    return None


def _field_name(loc: Location, data: Any = None) -> str:
    """`streams[1].items[2].amount`: list positions counted from 1, as an officer counts.
    With the file's `data`, a number that is a key (`amounts: {2022: ...}`) is named as the
    key it is (`amounts.2022`), not as a position."""
    name = ""
    for part in loc:
        shown = excerpt(str(part))
        if isinstance(part, int) and not isinstance(data, dict):
            name += f"[{part + 1}]"
        else:
            name += f".{shown}" if name else shown
        data = _value_at(data, (part,)) if isinstance(data, (dict, list)) else None
    return name


def _message(detail: ErrorDetails, model: type[BaseModel], loc: Location) -> str:
    kind = detail["type"]
    value = detail.get("input")
    if kind == "missing":
        return f"required field '{loc[-1]}' is missing"
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        return (f"unknown field '{loc[-1]}'{_suggest(str(loc[-1]), allowed)}; "
                f"expected one of: {', '.join(allowed)}")
    ctx = detail.get("ctx") or {}
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tags = [tag.strip(" '") for tag in str(ctx.get("expected_tags", "")).split(",")]
        field = str(ctx.get("discriminator", "kind")).strip("'")
        if kind == "union_tag_not_found":
            return f"required field '{field}' is missing; expected one of: {', '.join(tags)}"
        found = str(ctx.get("tag", ""))
        return (f"expected '{field}' to be one of: {', '.join(tags)}; "
                f"found the text '{found}'{_suggest(found, tags)}")
    if kind == "invalid" and (isinstance(value, (dict, list, tuple)) or ctx.get("says_found")):
        return str(ctx["message"])  # the rule's message says what was found
    if kind == "literal_error":
        choices = [choice.strip(" '") for choice in
                   str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
        return (f"expected one of: {', '.join(choices)}; found {_describe(value)}"
                f"{_suggest(str(value), choices)}")
    expected = ctx.get("message") or _EXPECTED.get(kind)
    if expected is None:
        expected = detail["msg"][0].lower() + detail["msg"][1:]
    elif "{" in expected:
        expected = expected.format(**ctx)
    said = expected if ctx.get("says_found") else f"{expected}; found {_describe(value)}"
    return f"{said}: {ctx['fix']}" if ctx.get("fix") else said


_EXPECTED = {
    "string_type": "expected text",
    "int_type": "expected a whole number, like 3",
    "int_parsing": "expected a whole number, like 3",
    "int_from_float": "expected a whole number, like 3",
    "greater_than_equal": "expected a number of at least {ge}",
    "too_short": "expected at least {min_length} entry in the list",
    "string_too_long": "expected at most {max_length} characters",
    "string_pattern_mismatch": "expected a value of the form {pattern} (as `strategy-site "
                               "publish` writes it)",
    "tuple_type": "expected a list (lines starting with '- ')",
    "list_type": "expected a list (lines starting with '- ')",
    "model_type": "expected a block of 'field: value' lines",
    "model_attributes_type": "expected a block of 'field: value' lines",
    "dict_type": "expected a block of 'name: value' lines",
    "bool_type": "expected true or false",
}


_SHOWN = {"\n": "\\n", "\r": "\\r"}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the value {str(value).lower()}"
    if isinstance(value, str):
        # Control and direction characters and line breaks are named, not printed: printed,
        # they would garble the message itself (or forge a line of a log).
        shown = "".join(_SHOWN.get(c, c) if c.isprintable() or c == "\t" else
                        _SHOWN.get(c, f"\\u{ord(c):04x}") for c in excerpt(value))
        return f"the text '{shown}'" if value.strip() else "empty text"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a block of 'field: value' lines"
    if isinstance(value, (list, tuple)):
        return "a list" if value else "an empty list"
    return f"the {type(value).__name__} {value}"


def _close(word: str, choices: list[str]) -> list[str]:
    return difflib.get_close_matches(word, choices, n=1, cutoff=0.6)


def _suggest(word: str, choices: list[str]) -> str:
    close = _close(word, choices)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _fields_at(model: type[BaseModel], loc: Location) -> list[str]:
    """The field names of the model found by following `loc` down from `model`."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        arms = _tagged_arms(annotation)
        if part in arms:
            annotation = arms[str(part)]  # the union's tag names the arm: the next step
            continue
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        else:
            args = typing.get_args(annotation)
            annotation = args[-1] if typing.get_origin(annotation) is dict else args[0]
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated[...] and Optional[...] down to the type that holds fields or items."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            arms = [arm for arm in typing.get_args(annotation) if arm is not type(None)]
            if len(arms) > 1:
                return annotation  # a tagged union: the next step of the path picks the arm
            annotation = arms[0]
        else:
            return annotation


def _tagged_arms(annotation: Any) -> dict[str, type[BaseModel]]:
    """The arms of a union of models, by the value of their `kind` tag."""
    if typing.get_origin(annotation) not in (Union, types.UnionType):
        return {}
    arms: dict[str, type[BaseModel]] = {}
    for arm in typing.get_args(annotation):
        if isinstance(arm, type) and issubclass(arm, BaseModel) and "kind" in arm.model_fields:
            for tag in typing.get_args(arm.model_fields["kind"].annotation):
                arms[str(tag)] = arm
    return arms
