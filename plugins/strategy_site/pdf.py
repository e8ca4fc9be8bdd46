"""A strategy as one PDF/UA-1 document, rendered by WeasyPrint from the same model and
templates as its web pages (templates/print/ assembles them with a lean print stylesheet).

WeasyPrint tags the structure; what its tagging leaves out is completed with pikepdf
(`complete_tagging`): table header cells get /Scope (WeasyPrint links data cells to their
headers with /Headers instead, which PDF/UA also allows; with both, any reader finds them).
The bytes depend only on the data: the metadata dates are the publication date, and the file
identifier is computed from the content.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeGuard

import pikepdf

from .model import Edition, slugify

if TYPE_CHECKING:
    import weasyprint

PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class RenderedPdf:
    """A strategy's PDF: its file name, its bytes and its page count."""

    name: str
    data: bytes
    pages: int

    @property
    def size_kb(self) -> int:
        """The size in kilobytes, rounded up, as GOV.UK writes attachment sizes."""
        return -(-len(self.data) // 1024)


def write_pdf(html: str) -> bytes:
    """HTML in; the PDF/UA-1 bytes out (its callers write them atomically)."""
    return render_pdf(html)[0]


def render_pdf(html: str) -> tuple[bytes, int]:
    """HTML in; the PDF/UA-1 bytes and their page count out. The count is the laid-out
    document's: opening the written PDF again only to count its pages cost 16 ms a PDF.

    WeasyPrint is imported here, not with the module: it takes 0.75 s, which a build without
    PDFs (`pdfs: false`) and the commands that make none need not pay. A build's PDF workers
    import it as they start (pdf_workers.py), before the print documents reach them."""
    import weasyprint

    document = weasyprint.HTML(string=html).render(pdf_variant=PDF_VARIANT)
    data = complete_tagging(document.write_pdf(pdf_variant=PDF_VARIANT), link_words(document))
    return data, len(document.pages)


LinkWords = list[list[tuple[str, str]]]
"""Per page, each link's target (anchor name or address) and the words a reader hears."""


def link_words(document: weasyprint.Document) -> LinkWords:
    """The words of every link of a laid-out document, page by page, in the order WeasyPrint
    writes their annotations: the link's aria-label, its own text or its title. WeasyPrint
    gives each box inside a link (an <em>, the page number after a contents entry) an
    annotation of its own: those get the words of the link they are part of."""
    words: LinkWords = []
    link_of: dict[str, str] = {}  # a target: the words of the last link element to it
    for page in document.pages:
        found = []
        for kind, target, _, box in page.links:
            element = box.element
            if kind not in ("internal", "external") or element is None:
                continue
            if element.get("href") is not None or str(target) not in link_of:
                text = " ".join("".join(element.itertext()).split())
                link_of[str(target)] = str(element.get("aria-label") or text
                                           or element.get("title") or "")
            found.append((str(target), link_of[str(target)]))
        words.append(found)
    return words


def complete_tagging(data: bytes, words: LinkWords | None = None) -> bytes:
    """Mend what WeasyPrint's PDF/UA tagging leaves out or gets wrong.

    - A table that crosses a page comes out as several /Table elements: the parts are merged
      back into one; the header row repeated on the next page is left out of the tree.
    - Table header cells get /Scope.
    - Marked content the structure tree does not hold (the running header and footer, a
      repeated header row) becomes a pagination artifact.
    - A link inside a link (WeasyPrint tags a link's pseudo-elements as links of their own)
      is folded into the outer one: one /Link per link.
    - Link annotations get the link's words (`words`, from `link_words`) as /Contents, where
      WeasyPrint writes the target ('part-foreword').
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is not None:
            found = _walk_structure(root)
            _mark_unclaimed_as_artifacts(pdf, root, found.marked)
            _fold_nested_links(pdf, root, found.links)
        if words is not None:
            _describe_links(pdf, words)
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True)
        return output.getvalue()


def _children(element: pikepdf.Object) -> list[pikepdf.Dictionary]:
    kids = element.get("/K") if isinstance(element, pikepdf.Dictionary) else None
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    return [kid for kid in items if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


@dataclass
class _Structure:
    """What a walk of the structure tree gathers: the marked-content ids its elements hold,
    by the object number of their page, and its outermost links."""

    marked: dict[int, set[int]] = field(default_factory=dict)
    links: list[pikepdf.Dictionary] = field(default_factory=list)


_Visit = tuple[pikepdf.Dictionary, "pikepdf.Object | None", "str | None", bool]
"""An element to visit: the element, the page its marked content is on (a /Pg it inherits),
the table section it is in (/THead, /TBody, /TFoot) and whether it is inside a link."""


def _walk_structure(root: pikepdf.Object) -> _Structure:
    """One walk of the structure tree, each element before its kids: tables split across
    pages merged back into one (`_merge_split_tables`), header cells given their /Scope
    (`_scope_header`), and the marked content each page's elements hold and the outermost
    links gathered. (Four walks, one for each, took 50 ms of a 42-page PDF's tagging.)

    A structure element's /K holds integers (marked-content ids on its page, pikepdf gives
    them as int), marked-content references (dictionaries with /MCID) and child elements."""
    found = _Structure()
    todo: list[_Visit] = [(root, None, None, False)] if isinstance(
        root, pikepdf.Dictionary) else []
    while todo:
        element, page, section, in_link = todo.pop()
        page = element.get("/Pg", page)
        if "/MCID" in element:
            if page is not None:
                found.marked.setdefault(page.objgen[0], set()).add(int(element.MCID))
            continue
        kind = element.get("/S")
        if kind == "/Link" and not in_link:
            found.links.append(element)
            in_link = True
        elif kind in ("/THead", "/TBody", "/TFoot"):
            section = str(kind)
        kids = element.get("/K")
        if isinstance(kids, pikepdf.Array):
            _merge_split_tables(kids)
            items = list(kids)
        else:
            items = [kids] if kids is not None else []
        visits = []
        for position, kid in enumerate(items):
            if isinstance(kid, int):
                if page is not None:
                    found.marked.setdefault(page.objgen[0], set()).add(kid)
            elif isinstance(kid, pikepdf.Dictionary):
                if kind == "/TR" and kid.get("/S") == "/TH":
                    _scope_header(kid, section, position)
                visits.append((kid, page, section, in_link))
        todo += reversed(visits)  # the first kid next: the document's order
    return found


def _merge_split_tables(kids: pikepdf.Array) -> None:
    """Join each /Table among an element's kids with the /Table that continues it (the next
    sibling, no caption)."""
    index = 0
    while index < len(kids) - 1:
        first, second = kids[index], kids[index + 1]
        if (_is(first, "/Table") and _is(second, "/Table")
                and not any(_is(kid, "/Caption") for kid in _children(second))):
            _append_table(first, second)
            del kids[index + 1]
            continue
        index += 1


def _is(item: pikepdf.Object, kind: str) -> TypeGuard[pikepdf.Dictionary]:
    return isinstance(item, pikepdf.Dictionary) and item.get("/S") == kind


def _append_table(first: pikepdf.Object, second: pikepdf.Object) -> None:
    has_head = any(_is(kid, "/THead") for kid in _children(first))
    kids = first.get("/K")
    if not isinstance(kids, pikepdf.Array):
        kids = pikepdf.Array([kids] if kids is not None else [])
        first.K = kids
    for part in _children(second):
        if _is(part, "/THead") and has_head:
            continue  # the header row repeated on the next page: left out, so an artifact
        part.P = first
        kids.append(part)


def _mark_unclaimed_as_artifacts(pdf: pikepdf.Pdf, root: pikepdf.Object,
                                 claimed: dict[int, set[int]]) -> None:
    """Marked content that no element of the structure tree holds (`claimed`, by page)
    becomes a pagination artifact: WeasyPrint tags the running header and footer (the @page
    margin boxes) and the header row a table repeats on a new page, but leaves them out of
    the tree, so a reader would meet text with no place in the document."""
    parent_tree = root.get("/ParentTree")
    for page in pdf.pages:
        page.contents_coalesce()
        known = claimed.get(page.obj.objgen[0], set())
        contents = page.Contents.read_bytes()
        rewritten = as_artifacts(contents, known)
        if rewritten is None:
            rewritten = _as_artifacts_parsed(page, known)
        text, unclaimed = rewritten
        if not unclaimed:
            continue
        page.Contents = pdf.make_stream(text)
        if parent_tree is not None and "/StructParents" in page:
            _forget_parents(parent_tree, int(page.StructParents), unclaimed)


_MARK = re.compile(rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
"""A `/Tag <</MCID n>> BDC` as WeasyPrint (pydyf) writes it."""

_INLINE_IMAGE = re.compile(rb"(?:^|\s)BI\s")


def _plain(contents: bytes) -> bool:
    """Whether content holds nothing that could hold text that only looks like a mark: no
    string, no comment, no inline image."""
    return not (b"(" in contents or b"%" in contents
                or (b"BI" in contents and _INLINE_IMAGE.search(contents)))

ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def as_artifacts(contents: bytes, known: set[int]) -> tuple[bytes, set[int]] | None:
    """A page's content with every mark the structure tree does not know (`known`) opened
    as a pagination artifact, edited in place, and those marks. Parsing and writing back the
    whole of every page was a tenth of each PDF's time, and WeasyPrint writes its text as
    glyph numbers, never as strings: in content with no string, comment or inline image,
    every match of a mark is one. None for other content, which is then parsed."""
    if not _plain(contents):
        return None
    unclaimed: set[int] = set()

    def mark(match: re.Match[bytes]) -> bytes:
        mcid = int(match.group(1))
        if mcid in known:
            return match.group(0)
        unclaimed.add(mcid)
        return ARTIFACT

    return _MARK.sub(mark, contents), unclaimed


def _as_artifacts_parsed(page: pikepdf.Page, known: set[int]) -> tuple[bytes, set[int]]:
    """As `as_artifacts`, from pikepdf's parse of the whole content."""
    instructions = pikepdf.parse_content_stream(page)
    unclaimed: set[int] = set()
    for position, instruction in enumerate(instructions):
        mcid = _mcid_of(instruction)
        if mcid is not None and mcid not in known:
            unclaimed.add(mcid)
            pagination = pikepdf.Dictionary(Type=pikepdf.Name("/Pagination"))
            instructions[position] = pikepdf.ContentStreamInstruction(
                [pikepdf.Name("/Artifact"), pagination], pikepdf.Operator("BDC"))
    return pikepdf.unparse_content_stream(instructions), unclaimed


def _mcid_of(instruction: object) -> int | None:
    """The marked-content id a `/Tag <</MCID n>> BDC` instruction opens, if any."""
    if not isinstance(instruction, pikepdf.ContentStreamInstruction) \
            or str(instruction.operator) != "BDC" or len(instruction.operands) != 2:
        return None
    properties = instruction.operands[1]
    if not isinstance(properties, pikepdf.Dictionary) or "/MCID" not in properties:
        return None
    return int(properties.MCID)


def _forget_parents(parent_tree: pikepdf.Object, key: int, mcids: set[int]) -> None:
    """Artifacts have no structure parent: clear their entries in the page's parent list."""
    for nums in _number_tree_leaves(parent_tree):
        for index in range(0, len(nums) - 1, 2):
            if int(nums[index]) == key and isinstance(nums[index + 1], pikepdf.Array):
                parents = nums[index + 1]
                for mcid in mcids:
                    if mcid < len(parents):
                        parents[mcid] = None


def _number_tree_leaves(node: pikepdf.Object) -> list[pikepdf.Object]:
    leaves = [node.Nums] if "/Nums" in node else []
    for kid in node.get("/Kids", pikepdf.Array()):
        leaves += _number_tree_leaves(kid)
    return leaves


def _fold_nested_links(pdf: pikepdf.Pdf, root: pikepdf.Object,
                       links: list[pikepdf.Dictionary]) -> None:
    """Fold every /Link inside a /Link (`links`: the outermost) into the outer one: its
    content and annotations join the outer link's, and the parent tree points them at it."""
    folded: dict[tuple[int, int], pikepdf.Dictionary] = {}
    for link in links:
        _fold_into(link, link, folded)
    parent_tree = root.get("/ParentTree")
    if folded and parent_tree is not None:
        for nums in _number_tree_leaves(parent_tree):
            for index in range(1, len(nums), 2):
                parents = nums[index]
                entries = parents if isinstance(parents, pikepdf.Array) else None
                if entries is None:
                    if isinstance(parents, pikepdf.Dictionary) and parents.objgen in folded:
                        nums[index] = folded[parents.objgen]
                    continue
                for position, parent in enumerate(entries):
                    if isinstance(parent, pikepdf.Dictionary) and parent.objgen in folded:
                        entries[position] = folded[parent.objgen]


def _fold_into(link: pikepdf.Dictionary, element: pikepdf.Dictionary,
               folded: dict[tuple[int, int], pikepdf.Dictionary]) -> None:
    """Replace each /Link among `element`'s kids by its own kids, now held by `link`."""
    kids = element.get("/K")
    if not isinstance(kids, pikepdf.Array):
        return
    merged = pikepdf.Array()
    for kid in kids:
        if _is(kid, "/Link"):
            _fold_into(link, kid, folded)
            folded[kid.objgen] = link
            for inner in kid.get("/K", pikepdf.Array()):
                merged.append(_held_by(link, kid, inner))
        else:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                _fold_into(link, kid, folded)
            merged.append(kid)
    element.K = merged


def _held_by(link: pikepdf.Dictionary, inner_link: pikepdf.Dictionary,
             kid: pikepdf.Object) -> pikepdf.Object:
    """A kid of an inner link as a kid of `link`: a marked-content id on another page than
    the link's becomes a reference naming its page; an element's parent is the link."""
    page = inner_link.get("/Pg")
    if isinstance(kid, int) and page is not None and page.objgen != link.Pg.objgen:
        return pikepdf.Dictionary(Type=pikepdf.Name("/MCR"), Pg=page, MCID=kid)
    if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
        kid.P = link
    return kid


def _describe_links(pdf: pikepdf.Pdf, words: LinkWords) -> None:
    """Each link annotation's /Contents: its link's words (matched by target, in order)."""
    for page, expected in zip(pdf.pages, words, strict=False):
        waiting = list(expected)
        for annotation in page.get("/Annots", pikepdf.Array()):
            if not isinstance(annotation, pikepdf.Dictionary) \
                    or annotation.get("/Subtype") != "/Link":
                continue
            target = _target_of(annotation)
            match = next((i for i, (aim, _) in enumerate(waiting) if aim == target), None)
            if match is None:
                continue
            text = waiting.pop(match)[1]
            if text:
                annotation.Contents = pikepdf.String(text)


def _target_of(annotation: pikepdf.Dictionary) -> str:
    """Where a link annotation leads: its named destination or its URI."""
    if "/Dest" in annotation:
        return str(annotation.Dest)
    action = annotation.get("/A")
    return str(action.get("/URI", "")) if isinstance(action, pikepdf.Dictionary) else ""


def _scope_header(cell: pikepdf.Dictionary, section: str | None, position: int) -> None:
    """A header cell in a THead heads its column; one starting a body or footer row heads
    its row (`position`: its place in the row)."""
    scope = "/Column" if section == "/THead" or position > 0 else "/Row"
    attributes = cell.get("/A")
    if not isinstance(attributes, pikepdf.Dictionary):
        attributes = pikepdf.Dictionary(O=pikepdf.Name("/Table"))
        cell.A = attributes
    attributes.Scope = pikepdf.Name(scope)


def strategy_pdf(strategy: Edition, html: str) -> RenderedPdf:
    """A strategy's PDF from its print document (`Renderer.render_print`)."""
    data, pages = render_pdf(html)
    return RenderedPdf(pdf_name(strategy), data, pages)


def page_count(data: bytes) -> int:
    """How many pages a PDF has."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def cover_links(data: bytes) -> list[str]:
    """The web addresses the first page of a PDF links to: a strategy's cover gives where it
    is published (so a kept PDF can be checked for the address it was made with); none in
    what is not a PDF."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError:
        return []
    with pdf:
        if not pdf.pages:
            return []
        found = []
        for annotation in pdf.pages[0].get("/Annots", []):
            action = annotation.get("/A")
            uri = action.get("/URI") if action is not None else None
            if uri is not None:
                found.append(str(uri))
        return found


def pdf_name(strategy: Edition) -> str:
    """A stable file name: borough, title and edition, e.g. 'barking-and-dagenham-serious-
    violence-duty-strategy-2024.pdf' (the edition only when the title does not hold it). Each
    version of a bilingual strategy ends in its language's code, the default's too ('...-2025-
    cy.pdf', '...-2025-en.pdf'): a reader sees which file is in which language, whatever the
    titles are, and a strategy in one language keeps the name it had."""
    identity = strategy.identity
    name = _shortened(slugify(identity.full_title, "section"), 100)
    edition = _shortened(identity.edition_id, 40)
    if edition not in name:
        name = f"{name}-{edition}"
    if strategy.language is not None:
        name = f"{name}-{strategy.language}"
    return f"{name}.pdf"


def _shortened(words: str, most: int) -> str:
    """At most `most` characters, cut between words: a very long title still makes a name a
    disk accepts (255 bytes at most) and a person can read."""
    if len(words) <= most:
        return words
    return words[:most + 1].rsplit("-", 1)[0] if "-" in words[:most + 1] else words[:most]
