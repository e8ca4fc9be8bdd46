"""One value each: dates, amounts, identifiers, text on one line or in prose, e-mail and
web addresses, telephone numbers, table cells and chart figures, with the checks that refuse
what a page, a PDF or a mail header would show other than the data (its message says why)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict
from pydantic_core import PydanticCustomError


def _date(value: Any) -> dt.date:
    """Accept a YAML date (or an ISO date in quotes); refuse numbers, times and free text."""
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_only", "expected a date without a time, like 2024-01-31")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
        raise PydanticCustomError(
            "date_value", "expected a real calendar date written as YYYY-MM-DD, like 2024-01-31"
        )
    raise PydanticCustomError(
        "date_value", "expected a date written as YYYY-MM-DD, like 2024-01-31"
    )


EXCERPT = 60
"""How much of a value a message quotes: enough to find it, never a whole file's worth."""


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The start of a text as a message quotes it: at most `limit` characters, with an
    ellipsis where it was cut."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


PLAIN_NUMBER = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
"""A number as a person writes it: digits, no leading zero, an optional decimal point. YAML 1.1
reads other forms as numbers of its own (0125305 is octal 43717, 12:53 is 773 in base 60)."""


def plain_number(written: str) -> str | None:
    """What a number written with a £ sign, commas, underscores, spaces or leading zeros means,
    written plainly ('£125,305' gives '125305'), or None if it is not such a number."""
    cleaned = re.sub(r"[£,_\s]", "", written).removeprefix("+")
    match = re.fullmatch(r"0*([0-9]+)(\.[0-9]+)?", cleaned)
    if not match:
        return None
    whole = match.group(1).lstrip("0") or "0"
    return whole + (match.group(2) or "")


def _number_fix(value: Any) -> dict[str, str]:
    """The fix for a number written as text, for a message's context."""
    plain = plain_number(value) if isinstance(value, str) else None
    return {"fix": f"write {plain}"} if plain is not None and plain != value else {}


def _amount(value: Any) -> Decimal:
    """Accept a number of pounds (pence allowed); refuse text such as '£125,305'."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise PydanticCustomError(
            "amount_type",
            "expected an amount in pounds written as a plain number, like 125305 or 39728.86 "
            "(no £ sign, no commas)", _number_fix(value),
        )
    try:
        amount = Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - float('nan') and friends
        raise PydanticCustomError("amount_type", "expected a finite number of pounds") from None
    if not amount.is_finite():
        raise PydanticCustomError("amount_type", "expected a finite number of pounds")
    if amount < 0:
        raise PydanticCustomError("amount_negative", "expected an amount of zero or more")
    if amount != amount.quantize(Decimal("0.01")):
        raise PydanticCustomError("amount_pence", "expected at most two decimal places (pence)")
    return amount


def slugify(text: str, fallback: str = "") -> str:
    """Lower-case ASCII words joined by hyphens: how a title or an edition goes in an address,
    an id or a file name; `fallback` where the text has no such word (an id must not be
    empty)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower())) or fallback


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


IDENTIFIER_MAX = 80
"""Identifiers name files and addresses; longer ones are mistakes (and too long for a disk)."""


def is_identifier(value: str) -> bool:
    """Whether a name can be an id, a file name and part of an address."""
    return len(value) <= IDENTIFIER_MAX and bool(_SLUG.match(value))


def _identifier(value: str) -> str:
    if len(value) > IDENTIFIER_MAX:
        raise PydanticCustomError(
            "identifier", f"expected an identifier of at most {IDENTIFIER_MAX} characters")
    if not _SLUG.match(value):
        raise PydanticCustomError(
            "identifier",
            "expected an identifier of lower-case letters, digits and hyphens, like 'definition'",
        )
    return value


_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Characters that reorder the text after them as it is shown (U+202E turns "exe.txt" into
"txt.exe"): they can make a page say something other than its data. The right-to-left and
left-to-right marks (U+200F, U+200E), which only mark direction, are allowed."""


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
"""Control characters (YAML writes them as "\\a", "\\e" ...): they have no glyph in the PDF,
are not allowed in the SVG's XML, and mean nothing to a reader. Tabs and line ends are fine."""


def _printable(value: str) -> str:
    """Refuse what could show a page other than its data, or break a PDF or drawing."""
    control = _BIDI_CONTROLS.search(value)
    if control:
        raise PydanticCustomError(
            "text_bidi", "expected text without a direction override (U+{code}, at character "
                         "{position}), which would show the text in another order than it is "
                         "written; use U+200F (right-to-left mark) if a word needs one",
            {"code": f"{ord(control.group()):04X}", "position": control.start() + 1})
    control = _CONTROLS.search(value)
    if control:
        raise PydanticCustomError(
            "text_control", "expected printable text, not the control character U+{code} (at "
                            "character {position}); delete it",
            {"code": f"{ord(control.group()):04X}", "position": control.start() + 1})
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("text_empty", "expected some text, found an empty value")
    return _printable(value).strip()


def _line(value: str) -> str:
    """One line: a title, a name, an address. A line break there would end up in a mail
    header, a calendar entry or a heading, where it means something else."""
    text = _text(value)
    line_break = re.search("[\r\n]", text)
    if line_break:
        raise PydanticCustomError(
            "text_line_break", "expected one line of text, found a line break (at character "
                               "{position}): write it on one line (only prose fields, written "
                               "after |, hold several lines)",
            {"position": line_break.start() + 1, "says_found": True})
    return text


_EMAIL = re.compile(r"[A-Za-z0-9!$'*+=^_`{|}~-]+(?:\.[A-Za-z0-9!$'*+=^_`{|}~-]+)*"
                    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
"""One address, `local@domain`: no display name, no second address, and none of the
characters that mean something in a mailto: link or a mail header (`?`, `&`, `%`, `#`, `/`,
`,`, `;`, `<`, `>`, quotes, spaces)."""


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise PydanticCustomError(
            "email", "expected one e-mail address, like csp@council.gov.uk, and nothing else "
                     "(no name, no second address, no '?')")
    return value


WEB_SCHEMES = frozenset({"http", "https", "mailto"})
"""Link schemes the site writes into a page; anything else (javascript:, data:) could run."""


def other_site(address: str) -> str | None:
    """The address a relative one leads to on another website, as a browser reads it
    (`//evil.example/x`, `/\\evil.example`: two slashes or backslashes start a host), or None
    if it stays on this site (or is not relative)."""
    parts = urlsplit(address)  # drops what a browser ignores: tabs, newlines, leading spaces
    if parts.scheme:
        return None
    path = urlsplit(address.replace("\\", "/")).geturl()
    if not path.startswith("//"):
        return None
    return "https://" + path.lstrip("/")


def _web_address(value: str) -> str:
    scheme = urlsplit(value).scheme.lower()  # urlsplit drops the tabs a browser would ignore
    if scheme and scheme not in WEB_SCHEMES:
        raise PydanticCustomError(
            "web_address", "expected a web address starting https:// or http://, a mailto: "
                           "address or a site-relative address, not a '{scheme}:' address",
            {"scheme": scheme})
    elsewhere = other_site(value)
    if elsewhere is not None:
        raise PydanticCustomError(
            "web_address", "expected a web address starting https:// or http://, a mailto: "
                           "address or a site-relative address; found '{found}', which leads to "
                           "another website (two slashes start a web address without its "
                           "https:): write {instead} if that is meant",
            {"found": excerpt(value), "instead": excerpt(elsewhere), "says_found": True})
    return value


Date = Annotated[dt.date, BeforeValidator(_date)]
"""A calendar date; YAML writes it as 2024-01-31."""

Amount = Annotated[Decimal, BeforeValidator(_amount)]
"""Pounds as an exact decimal, never a float, so totals add up to the penny."""

Identifier = Annotated[str, AfterValidator(_identifier)]
"""A lower-case, hyphenated name used in references and URLs."""

def _translatable(value: str) -> str:
    """Marks a kind of text a bilingual strategy gives in each of its languages (the loader
    projects `{cy: ..., en: ...}` before the model sees it, loading/languages.py; the JSON
    schema lets the value be such a map). The value itself is unchanged."""
    return value


Text = Annotated[str, AfterValidator(_line), AfterValidator(_translatable)]
"""A short piece of plain text on one line: a title, a label, a role."""

Markdown = Annotated[str, AfterValidator(_text), AfterValidator(_translatable)]
"""Prose written in Markdown, over as many lines as it needs; rendered with raw HTML off."""

Untranslated = Annotated[str, AfterValidator(_line)]
"""One line of text given once in a bilingual strategy, the same in every language: a
person's name, an edition's name (which is also its address)."""

Language = Literal["cy", "en"]
"""A language a strategy may be published in, by its ISO 639-1 code."""
LANGUAGE_NAMES: dict[str, str] = {"cy": "Welsh", "en": "English"}
"""Each language as a message to an officer names it."""
LANGUAGE_TAGS: dict[str, str] = {"cy": "cy-GB", "en": "en-GB"}
"""Each language's BCP 47 tag, as a page's and a PDF's language say it."""

Email = Annotated[str, AfterValidator(_line), AfterValidator(_email)]
"""Exactly one e-mail address: it goes into mailto: links and the submission's mail headers."""

WebAddress = Annotated[str, AfterValidator(_line), AfterValidator(_web_address)]
"""Where a link goes: a web, e-mail or site-relative address."""

class Figure(BaseModel):
    """A number in a chart: exact, or only known to be below a bound ("<10", suppressed)."""

    model_config = ConfigDict(frozen=True)

    value: Decimal | None = None
    below: int | None = None


_SUPPRESSED = re.compile(r"^<\s*(\d+)$")


def _figure(value: Any) -> Figure:
    if isinstance(value, Figure):
        return value
    if isinstance(value, str):
        match = _SUPPRESSED.match(value.strip())
        if match:
            return Figure(below=int(match.group(1)))
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise PydanticCustomError(
            "figure", "expected a number, or '<N' for a figure the source only gives as below N",
            _number_fix(value))
    return Figure(value=Decimal(str(value)))


ChartValue = Annotated[Figure, BeforeValidator(_figure)]
"""A value in a chart's data table."""

Number = Annotated[int, Strict(), Field(ge=1)]
"""A counting number (an objective's or a theme's number); "3" in quotes is refused."""


def _cell(value: Any) -> str:
    """A table cell as printed: text, or a number kept exactly as written."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise PydanticCustomError("cell", "expected a cell's text or number")
    return _printable(str(value)).strip()


Cell = Annotated[str, BeforeValidator(_cell), AfterValidator(_translatable)]
"""A cell of a table: text or a number, shown as written (an empty cell is "")."""


_PHONE = re.compile(r"\+?[0-9][0-9 ()-]*[0-9]")
"""A telephone number as people write it: digits, spaces, brackets and hyphens, perhaps a +."""


def _phone(value: str) -> str:
    if not _PHONE.fullmatch(value) or sum(c.isdigit() for c in value) < 6:
        raise PydanticCustomError(
            "phone", "expected a telephone number written with digits and spaces (brackets, "
                     "hyphens and a + at the start allowed), like 020 8227 3000")
    return value


Phone = Annotated[str, AfterValidator(_line), AfterValidator(_phone)]
"""A telephone number, shown as typed and linked as `tel:` with its digits."""
