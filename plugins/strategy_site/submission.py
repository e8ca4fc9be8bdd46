"""The Home Office submission pack: the strategy's PDF, its SHA-256, and a ready-to-send email;
a bilingual strategy's pack holds its PDF in each language, and the email names both.

The Serious Violence Duty asks for the strategy to reach the Home Office within 7 days of its
publication; the address and the period come from the timetable data, never from code. The
email (.eml) opens in Outlook or Thunderbird ready to send, with the PDF attached. Every file
is the same bytes for the same data, so a pack can be checked against what was sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from .applicability import verdict
from .formatting import long_date
from .model import LANGUAGE_NAMES, Edition, Timetable
from .output import write_atomically
from .pdf import RenderedPdf
from .timetable import event_due, overridden

SUBMISSION_RULE = "home-office-submission"
"""The timetable rule that says where the strategy goes and within how many days."""


class SubmissionError(Exception):
    """The data asks for no pack (no publication date, no rule for it); the message says why,
    in words an officer can act on."""


class ExampleAddress(SubmissionError):
    """The site's address is still an example one: the pack would send the Home Office there.
    `due` is when the pack is due, and `submitted` whether it was sent (so the build can say it
    loudly while the pack is needed, quietly for a strategy long since sent or overdue)."""

    def __init__(self, message: str, due: dt.date, submitted: bool) -> None:
        super().__init__(message)
        self.due = due
        self.submitted = submitted


EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")
"""Domains kept for examples (RFC 2606), as the templates and the guide use them."""


def example_address(address: str | None) -> bool:
    """Whether an address is on an example domain, or the `.example` top-level domain: the
    one a new site's mkdocs.yml was copied with, never where a council publishes."""
    host = (urlsplit(address).hostname or "") if address else ""
    return any(host == domain or host.endswith(f".{domain}") for domain in EXAMPLE_DOMAINS) \
        or host == "example" or host.endswith(".example")


def setting_line(config_text: str, key: str) -> int | None:
    """The line of mkdocs.yml that sets a top-level `key`, for a message to point at."""
    for number, line in enumerate(config_text.splitlines(), 1):
        if line.startswith(f"{key}:"):
            return number
    return None


def setting_place(config_file: Path, key: str, shown: str) -> str:
    """Where mkdocs.yml sets `key`, as a message names it ('line 7 of mkdocs.yml'); `shown`
    is how the message names the file."""
    text = config_file.read_text(encoding="utf-8") if config_file.is_file() else None
    line = setting_line(text, key) if text is not None else None
    return f"line {line} of {shown}" if line else f"a line '{key}:' in {shown}"


class PackFailure(Exception):
    """A pack the data asks for cannot be made: the build stops before anything is
    published. The message names the file and what to change."""


@dataclass(frozen=True)
class Version:
    """A bilingual strategy's version in another language, as its pack sends it: the edition
    in that language, its PDF and where it is published."""

    strategy: Edition
    pdf: RenderedPdf
    web_address: str | None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf.data).hexdigest()


@dataclass(frozen=True)
class SubmissionPack:
    """What the pack holds, before it is written."""

    pdf: RenderedPdf
    sha256: str
    address: str
    published: dt.date
    due: dt.date
    email: bytes
    email_name: str
    translations: tuple[Version, ...] = ()
    """A bilingual strategy's PDFs in its other languages, attached beside the default's."""


@dataclass(frozen=True)
class PackTerms:
    """What a pack needs besides its PDFs: where it goes, within how many days, and the dates."""

    address: str
    within_days: int
    published: dt.date
    due: dt.date


def pack_terms(strategy: Edition, timetable: Timetable | None,
               web_addresses: Sequence[str | None]) -> PackTerms:
    """The terms of one strategy's pack, known before its PDFs are rendered (so an officer is
    told at once, not after the rendering, that no pack can be made); SubmissionError
    (ExampleAddress when an address of `web_addresses`, its versions', is an example one) if
    the data cannot support one."""
    rule = timetable.rule(SUBMISSION_RULE) if timetable else None
    if rule is not None:
        rule = overridden(rule, strategy)  # a borough's agreed period, as its Key dates show
    if rule is None or rule.address is None or rule.within_days is None:
        raise SubmissionError(
            f"strategy_data/timetable.yaml has no '{SUBMISSION_RULE}' rule with an address and "
            "'within_days': the pack needs both"
        )
    concerned = verdict(rule, strategy, timetable)
    if not concerned.applies:
        raise SubmissionError(
            f"{strategy.home}: the timetable's '{SUBMISSION_RULE}' rule does not concern this "
            f"document: {concerned.because}"
        )
    published = strategy.identity.published
    if published is None:
        raise SubmissionError(
            f"{strategy.home}: strategy.yaml has no 'published' date, so there is no date the "
            "Home Office submission is due"
        )
    due = event_due(strategy, rule)
    if due is None:
        raise SubmissionError(
            f"{strategy.home}: strategy.yaml has no date for '{rule.starts}', which the "
            f"timetable's '{SUBMISSION_RULE}' rule counts from, so there is no date the Home "
            "Office submission is due"
        )
    example = next((address for address in web_addresses
                    if address is not None and example_address(address)), None)
    if example is not None:
        raise ExampleAddress(
            f"{strategy.home}: no submission pack: the site's address is still the example "
            f"address ({example}), which the PDF's cover and the email to the Home Office "
            "would give as where the strategy is published", due,
            strategy.identity.record.submitted_to_home_office is not None)
    return PackTerms(rule.address, rule.within_days, published, due)


def submission_pack(
    strategy: Edition, pdf: RenderedPdf, timetable: Timetable | None, web_address: str | None,
    translations: tuple[Version, ...] = (),
) -> SubmissionPack:
    """The pack for one strategy (with its versions in other languages, `translations`);
    SubmissionError if the data cannot support one (`pack_terms`)."""
    terms = pack_terms(strategy, timetable,
                       (web_address, *(version.web_address for version in translations)))
    digest = hashlib.sha256(pdf.data).hexdigest()
    try:
        versions = (Version(strategy, pdf, web_address), *translations)
        email = _email(versions, terms.address, terms.published, terms.due, terms.within_days)
    except (ValueError, MessageError) as error:
        raise PackFailure(
            f"{strategy.home}/strategy.yaml: the Home Office submission email cannot be "
            f"written ({error}); its From is 'contact.email' and its Subject names the "
            "'partnership': each must be one line, without line breaks") from None
    return SubmissionPack(pdf, digest, terms.address, terms.published, terms.due, email,
                          pdf.name.removesuffix(".pdf") + "-home-office-submission.eml",
                          translations)


def write_pack(pack: SubmissionPack, folder: Path) -> list[Path]:
    """Write each PDF, its .sha256 and the .eml into `folder`, each atomically."""
    files: dict[str, bytes] = {}
    for pdf, digest in [(pack.pdf, pack.sha256),
                        *((version.pdf, version.sha256) for version in pack.translations)]:
        files[pdf.name] = pdf.data
        files[f"{pdf.name}.sha256"] = f"{digest}  {pdf.name}\n".encode()
    files[pack.email_name] = pack.email
    for name, data in files.items():
        write_atomically(folder / name, data)
    return [folder / name for name in files]


def _email(versions: tuple[Version, ...], address: str, published: dt.date, due: dt.date,
           within_days: int) -> bytes:
    """The email to the Home Office, in English (its team's language; the pack's strings are
    not in the catalogs yet): the English version's words where the strategy has one, each
    version's PDF attached and named with where it is published."""
    english = next((version for version in versions if version.strategy.language == "en"),
                   versions[0])
    identity = english.strategy.identity
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = identity.contact.email
    message["To"] = address
    message["Subject"] = f"Serious Violence Duty strategy: {identity.partnership}"
    # The publication date, so the same data gives the same email.
    message["Date"] = format_datetime(dt.datetime(published.year, published.month,
                                                  published.day, 9, 0, tzinfo=dt.UTC))
    message["X-Unsent"] = "1"  # opens as a draft, ready to send, in Outlook
    languages = " and ".join(LANGUAGE_NAMES[version.strategy.language]
                             for version in versions if version.strategy.language)
    lines = [
        "Dear Serious Violence Duty team,",
        "",
        f"Please find attached {identity.partnership}'s {identity.title_and_edition}, "
        f"published on {long_date(published)}" + (f" in {languages}." if len(versions) > 1
                                                  else "."),
        "",
    ]
    if len(versions) == 1:
        version = versions[0]
        if version.web_address:
            lines += [f"It is published at: {version.web_address}", ""]
    lines += [
        f"Under the Serious Violence Duty the strategy is due with you within {within_days} "
        f"days of publication, by {long_date(due)}.",
        "",
    ]
    if len(versions) == 1:
        pdf = versions[0].pdf
        lines += [f"The attached file is {pdf.name} ({pdf.size_kb} KB, {pdf.pages} pages); "
                  f"its SHA-256 checksum is {versions[0].sha256}.", ""]
    else:
        for version in versions:
            pdf, named = version.pdf, version.strategy.identity
            language = LANGUAGE_NAMES[version.strategy.language or "en"]
            lines += [f"The {language} version, {named.title_and_edition}"
                      + (f", is published at: {version.web_address}" if version.web_address
                         else "") + ".",
                      f"Its attached file is {pdf.name} ({pdf.size_kb} KB, {pdf.pages} pages); "
                      f"its SHA-256 checksum is {version.sha256}.", ""]
    contact = identity.contact
    lines += [line for line in (contact.name, contact.role, contact.team, identity.partnership,
                                contact.email, contact.phone) if line]
    message.set_content("\n".join(lines))
    for version in versions:
        message.add_attachment(version.pdf.data, maintype="application", subtype="pdf",
                               filename=version.pdf.name)
    message.set_boundary(f"strategy-site-{versions[0].sha256[:32]}")
    return message.as_bytes()
