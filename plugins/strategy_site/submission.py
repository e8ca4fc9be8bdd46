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
import ipaddress
import re
import socket
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
from .pdf import RenderedPdf, cover_links
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

    def __init__(self, message: str, due: dt.date, submitted: bool,
                 in_record: bool = False) -> None:
        super().__init__(message)
        self.due = due
        self.submitted = submitted
        self.in_record = in_record
        """The address is in a recorded edition's kept PDF: the message says how to record it
        again (setting site_url does not change a kept PDF)."""


EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")
"""Domains kept for examples (RFC 2606), as the templates and the guide use them."""
EXAMPLE_NAMES = ("example", "test", "invalid")
"""Top-level names kept for examples and tests (RFC 2606): no site is published under one."""
EXAMPLE_NETWORKS = tuple(ipaddress.ip_network(network) for network in (
    "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"))
"""IP addresses kept for documentation (RFC 5737, RFC 3849)."""
LOCAL_NAMES = ("localhost", "localdomain", "local", "internal", "home.arpa", "lan", "home",
               "corp")
"""Names only this computer or its own network answers: RFC 6761's, RFC 6762's, ICANN's
.internal, RFC 8375's, and those networks commonly give themselves. A name without a dot
(`http://intranet/`) is local too: no public site has one."""
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

EXAMPLE = "the example address"
LOCAL = "a local address"
NOT_AN_ADDRESS = "not a web address"
"""What `unpublished_address` says of an address, as messages name it."""


def unpublished_address(address: str | None) -> str | None:
    """What an address is, if no one could read a strategy there: "the example address"
    (the one a new site's mkdocs.yml was copied with, or another kept for examples, tests
    and documentation), or "a local address" (this computer's or its network's: localhost,
    a private IP address, a name without a dot); None for a public address, or none. Written
    without its scheme (`www.example.org/svd/`), with the root's dot (`example.org.`), in
    capitals or in full-width letters, it is the same."""
    if not address:
        return None
    try:
        host = urlsplit(address if _SCHEME.match(address) else f"//{address}").hostname or ""
    except ValueError:  # not an address at all ('https://[::1/')
        return NOT_AN_ADDRESS
    host = _normalised(host)
    ip = _ip(host)
    if ip is not None:
        if any(ip in network for network in EXAMPLE_NETWORKS if ip.version == network.version):
            return EXAMPLE
        return None if ip.is_global else LOCAL
    if any(_under(host, name) for name in (*EXAMPLE_DOMAINS, *EXAMPLE_NAMES)):
        return EXAMPLE
    if "." not in host or any(_under(host, name) for name in LOCAL_NAMES):
        return LOCAL
    return None


def example_address(address: str | None) -> bool:
    """Whether an address is one no one could read a strategy at (`unpublished_address`)."""
    return unpublished_address(address) is not None


def described_address(address: str) -> str:
    """An address no one could read a strategy at (`unpublished_address`), as a message
    names it after "the site's address is"."""
    what = unpublished_address(address)
    if what == EXAMPLE:
        return f"still {EXAMPLE} ({address})"
    if what == LOCAL:
        return f"{LOCAL} ({address}), reachable only from this computer or its own network"
    return f"{what} ({address})"


def _normalised(host: str) -> str:
    """A host name as the resolver reads it: without spaces or the root's dot, in ASCII
    (IDNA: full-width letters and ideographic dots become ASCII ones)."""
    host = host.strip().rstrip(".")
    try:
        return host.encode("idna").decode("ascii").lower().rstrip(".")
    except UnicodeError:
        return host.lower()


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a host is, in any form a browser reads (`127.1` and `2130706433` are
    127.0.0.1, as `inet_aton` reads them), or None for a name."""
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _under(host: str, name: str) -> bool:
    return host == name or host.endswith(f".{name}")


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
    if rule is None:
        raise SubmissionError(
            f"the data folder's timetable.yaml has no '{SUBMISSION_RULE}' rule: the pack "
            "needs one, with the Home Office's 'address' and 'within_days'")
    if rule.address is None or rule.within_days is None:
        lacking = [f"'{field}' ({why})" for field, why, value in (
            ("address", "where the pack is sent", rule.address),
            ("within_days", "within how many days of publication it is due"
             + ("; 'within_months' is not enough for the email" if rule.within_months else ""),
             rule.within_days)) if value is None]
        raise SubmissionError(
            f"the data folder's timetable.yaml: its '{SUBMISSION_RULE}' rule has no "
            f"{' and no '.join(lacking)}: the pack needs both")
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
    example = next((address for address in web_addresses if example_address(address)), None)
    if example is not None:
        raise ExampleAddress(
            f"{strategy.home}: no submission pack: the site's address is "
            f"{described_address(example)}, which the PDF's cover and the email to the Home Office "
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
    versions = (Version(strategy, pdf, web_address), *translations)
    for version in versions:
        _check_cover(version, terms.due)
    try:
        email = _email(versions, terms.address, terms.published, terms.due, terms.within_days)
    except (ValueError, MessageError) as error:
        raise PackFailure(
            f"{strategy.home}/strategy.yaml: the Home Office submission email cannot be "
            f"written ({error}); its From is 'contact.email' and its Subject names the "
            "'partnership': each must be one line, without line breaks") from None
    return SubmissionPack(pdf, digest, terms.address, terms.published, terms.due, email,
                          pdf.name.removesuffix(".pdf") + "-home-office-submission.eml",
                          translations)


def _check_cover(version: Version, due: dt.date) -> None:
    """ExampleAddress if a PDF's cover links to an address no one could read the strategy
    at. A PDF rendered now gives the site's address, checked already; a recorded edition's
    is sent as it was kept, and one recorded with the example site_url (before `publish`
    refused it) gives that address for good."""
    wrong = next((link for link in cover_links(version.pdf.data) if example_address(link)),
                 None)
    if wrong is None:
        return
    edition = version.strategy
    raise ExampleAddress(
        f"{edition.home}: no submission pack: {edition.home}/published.yaml records edition "
        f"{edition.identity.edition} with a PDF whose cover gives {unpublished_address(wrong)} "
        f"({wrong}) as where the strategy is published, and the pack sends a recorded PDF as "
        "it was kept. Record the edition again with the site's own address: add an entry to "
        "'amendments' in its strategy.yaml (the date and the reason), then run "
        f"`strategy-site publish {edition.home}` with site_url (or --site-url) set to the "
        "address the site is published at", due,
        edition.identity.record.submitted_to_home_office is not None, in_record=True)


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
