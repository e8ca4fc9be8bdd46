"""Reading one YAML file with the line of every value in it.

PyYAML's node marks give each value its line; `english` joins them to pydantic's field
paths. Duplicate keys, which PyYAML would silently resolve by keeping the last, are errors
here, and so are the mistakes YAML reads as something else (a comment for a hashtag, two
numbers for one with a thousands comma, a name inside a value).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..datafiles import DataFileError, TooLarge, read_inside
from ..model import EXCERPT, PLAIN_NUMBER, Location, excerpt, field_name
from .problems import DataProblem, Problems, StrategyDataError


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

    def line(self, at: Location) -> int | None:
        """The line of the deepest part of `at` that the file has (a missing key: its
        parent's)."""
        for end in range(len(at), -1, -1):
            if at[:end] in self.lines:
                return self.lines[at[:end]]
        return None


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps node marks; we build Python values ourselves to record lines."""


_AnyLoader = yaml.SafeLoader | yaml.CSafeLoader


_FastLoader: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)
"""libyaml's parser, about ten times faster than PyYAML's own, when PyYAML was built with it."""


MAX_FILE_BYTES = 10 * 1024 * 1024
"""No strategy file comes near this (the largest in the seeds is under 100 KB); a bigger one
is the wrong file, and reading it whole would hold up every build."""


class ParsedFiles:
    """The YAML files one load parsed, by the name they are shown by and their bytes, for the
    next load to take unchanged (the preview's builds under `mkdocs serve`: an officer saves
    one file of hundreds, and parsing is most of the time to load a site); and the documents
    it made, by everything in their folders (folders.py). A file is taken only when its bytes
    are the same, so no time or size can hide an edit; what the load before did not read is
    forgotten."""

    def __init__(self) -> None:
        self._kept: dict[tuple[Path, Path, bytes], YamlFile] = {}
        self._read: dict[tuple[Path, Path, bytes], YamlFile] = {}
        self.parsed = 0
        """How many files the last load parsed (the others it took as they were)."""
        self._documents_kept: dict[Hashable, Any] = {}
        self._documents_read: dict[Hashable, Any] = {}

    @contextmanager
    def load(self) -> Iterator[None]:
        """One load of the data folder, in which `read_yaml` takes unchanged files from the
        load before."""
        self._kept, self._read, self.parsed = {**self._kept, **self._read}, {}, 0
        self._documents_kept = {**self._documents_kept, **self._documents_read}
        self._documents_read = {}
        token = _PARSED.set(self)
        try:
            yield
        finally:
            _PARSED.reset(token)
            self._kept, self._documents_kept = {}, {}  # only what this load read is kept

    def get(self, path: Path, shown: Path, raw: bytes) -> YamlFile | None:
        found = self._kept.get((path, shown, raw)) or self._read.get((path, shown, raw))
        if found is not None:
            self._read[(path, shown, raw)] = found
        return found

    def put(self, path: Path, shown: Path, raw: bytes, parsed: YamlFile) -> None:
        self._read[(path, shown, raw)] = parsed
        self.parsed += 1

    def document(self, key: Hashable) -> Any:
        """What the load before made of a document from the same files (folders.py), if it
        did."""
        found = self._documents_kept.get(key) or self._documents_read.get(key)
        if found is not None:
            self._documents_read[key] = found
        return found

    def keep_document(self, key: Hashable, made: Any) -> None:
        self._documents_read[key] = made


_PARSED: ContextVar[ParsedFiles | None] = ContextVar("parsed_files", default=None)


def parsed_files() -> ParsedFiles | None:
    """The files and documents of the load before, in a preview's load; None otherwise."""
    return _PARSED.get()
"""The files of the load before, in a preview's load (ParsedFiles.load); None otherwise."""


def read_yaml(path: Path, shown_as: Path | None = None, inside: Path | None = None) -> YamlFile:
    """Parse one YAML file of the data folder `inside` (default: the file's own folder); raise
    StrategyDataError naming the file and line if it is bad. In a preview's load, a file whose
    bytes have not changed since the load before is taken as it was parsed then."""
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
    parsed = _PARSED.get()
    earlier = parsed.get(path, shown, raw) if parsed is not None else None
    if earlier is not None:
        return earlier
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
    builder.problems.raise_if_any()
    made = YamlFile(shown, data, builder.lines, builder.written)
    if parsed is not None:
        parsed.put(path, shown, raw, made)
    return made


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


_TEXT_TAG = "tag:yaml.org,2002:str"

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
        self.problems = Problems()
        self.visited: set[int] = set()

    def problem(self, line: int | None, at: Location, message: str) -> None:
        self.problems.add(self.path, line, field_name(at) or None, message)

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
        if node.tag == _TEXT_TAG:
            return node.value  # what the constructor gives text, without its bookkeeping
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
