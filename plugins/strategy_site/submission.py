"""The Home Office submission pack: the strategy's PDF, its SHA-256, and a ready-to-send email.

The Serious Violence Duty asks for the strategy to reach the Home Office within 7 days of its
publication; the address and the period come from the timetable data, never from code. The
email (.eml) opens in Outlook or Thunderbird ready to send, with the PDF attached. Every file
is the same bytes for the same data, so a pack can be checked against what was sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from email import policy
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from .applicability import verdict
from .formatting import long_date
from .model import Edition, Timetable
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
class SubmissionPack:
    """What the pack holds, before it is written."""

    pdf: RenderedPdf
    sha256: str
    address: str
    published: dt.date
    due: dt.date
    email: bytes
    email_name: str


def submission_pack(
    strategy: Edition, pdf: RenderedPdf, timetable: Timetable | None, web_address: str | None
) -> SubmissionPack:
    """The pack for one strategy; SubmissionError if the data cannot support one."""
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
    if web_address is not None and example_address(web_address):
        raise ExampleAddress(
            f"{strategy.home}: no submission pack: the site's address is still the example "
            f"address ({web_address}), which the PDF's cover and the email to the Home Office "
            "would give as where the strategy is published", due,
            strategy.identity.record.submitted_to_home_office is not None)
    digest = hashlib.sha256(pdf.data).hexdigest()
    try:
        email = _email(strategy, pdf, rule.address, published, due, web_address, digest,
                       rule.within_days)
    except (ValueError, MessageError) as error:
        raise PackFailure(
            f"{strategy.home}/strategy.yaml: the Home Office submission email cannot be "
            f"written ({error}); its From is 'contact.email' and its Subject names the "
            "'partnership': each must be one line, without line breaks") from None
    return SubmissionPack(pdf, digest, rule.address, published, due, email,
                          pdf.name.removesuffix(".pdf") + "-home-office-submission.eml")


def write_pack(pack: SubmissionPack, folder: Path) -> list[Path]:
    """Write the PDF, its .sha256 and the .eml into `folder`, each atomically."""
    files = {
        pack.pdf.name: pack.pdf.data,
        f"{pack.pdf.name}.sha256": f"{pack.sha256}  {pack.pdf.name}\n".encode(),
        pack.email_name: pack.email,
    }
    for name, data in files.items():
        write_atomically(folder / name, data)
    return [folder / name for name in files]


def _email(strategy: Edition, pdf: RenderedPdf, address: str, published: dt.date,
           due: dt.date, web_address: str | None, digest: str, within_days: int) -> bytes:
    identity = strategy.identity
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = identity.contact.email
    message["To"] = address
    message["Subject"] = f"Serious Violence Duty strategy: {identity.partnership}"
    # The publication date, so the same data gives the same email.
    message["Date"] = format_datetime(dt.datetime(published.year, published.month,
                                                  published.day, 9, 0, tzinfo=dt.UTC))
    message["X-Unsent"] = "1"  # opens as a draft, ready to send, in Outlook
    lines = [
        "Dear Serious Violence Duty team,",
        "",
        f"Please find attached {identity.partnership}'s {identity.title_and_edition}, "
        f"published on {long_date(published)}.",
        "",
    ]
    if web_address:
        lines += [f"It is published at: {web_address}", ""]
    lines += [
        f"Under the Serious Violence Duty the strategy is due with you within {within_days} "
        f"days of publication, by {long_date(due)}.",
        "",
        f"The attached file is {pdf.name} ({pdf.size_kb} KB, {pdf.pages} pages); "
        f"its SHA-256 checksum is {digest}.",
        "",
    ]
    contact = identity.contact
    lines += [line for line in (contact.name, contact.role, contact.team, identity.partnership,
                                contact.email, contact.phone) if line]
    message.set_content("\n".join(lines))
    message.add_attachment(pdf.data, maintype="application", subtype="pdf", filename=pdf.name)
    message.set_boundary(f"strategy-site-{digest[:32]}")
    return message.as_bytes()
