"""The statutory timetable: rules (data) plus a strategy's record plus a date give findings.

Every date is a calendar date in the timetable's time zone (Europe/London): a deadline of
7 February is met by anything done on 7 February, whatever the hour. Periods in days count
calendar days; periods in months keep the day of the month, or the month's last day when it
has no such day (31 January + 1 month = 28 or 29 February).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

from .addresses import SITE_OWNER
from .applicability import applies
from .catalog import N_
from .model import Edition, ReviewDate, Timetable, TimetableRule, slugify


class Status(Enum):
    """Where a deadline stands, in words (never colour alone); the pages show the words in
    their language (the catalog), the command line as they are."""

    DONE_ON_TIME = N_("done on time")
    DONE_LATE = N_("done late")
    TOO_EARLY = N_("done before it could count")
    OVERDUE = N_("overdue")
    DUE_SOON = N_("due soon")
    UPCOMING = N_("not yet due")
    MISSING = N_("cannot be checked")

    @property
    def needs_action(self) -> bool:
        """Whether an officer must act: overdue, done too early, or the data is missing."""
        return self in (Status.OVERDUE, Status.TOO_EARLY, Status.MISSING)


TIMETABLE_LANGUAGE = "en"
"""The language the timetable's own words are in (its rules' checks, a deadline's note): the
package's timetable is written in English."""


@dataclass(frozen=True)
class Deadline:
    """One deadline of one strategy (or of the site) and where it stands on a day."""

    strategy: str
    rule: TimetableRule
    subject: str
    """What is due: the rule's check, or the review-dates element it applies to."""
    due: dt.date | None
    done: dt.date | None
    status: Status
    note: str = ""
    """More about where it stands, in English words (the log, `check`, the calendar feeds)."""
    every_months: int | None = None
    """A review's cycle, where the note names it: the pages say it in their language."""
    last_reviewed: dt.date | None = None
    """A review's last date, where the note names it."""

    @property
    def in_the_timetables_words(self) -> bool:
        """Whether what is due is the timetable's own words (its rule's check, in the language
        the timetable is written in), not the strategy's (a review-dates element)."""
        return self.subject == self.rule.checks

    @property
    def uid(self) -> str:
        """A stable identifier, for calendar feeds: the same deadline keeps its UID."""
        element = ("" if self.subject == self.rule.checks
                   else "-" + slugify(self.subject, "section")[:60])
        return f"{self.strategy}-{self.rule.id}{element}@strategy-site"


def today_in(timetable: Timetable) -> dt.date:
    """Today's calendar date where the timetable's deadlines fall."""
    return dt.datetime.now(ZoneInfo(timetable.timezone)).date()


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later, or that month's last day if it is shorter."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def edition_deadlines(strategy: Edition, timetable: Timetable, today: dt.date) -> list[Deadline]:
    """Every deadline of one strategy that the rules concerning it give (by its template and
    where its partnership is: applicability.py), as of `today`."""
    deadlines: list[Deadline] = []
    for rule in timetable.rules:
        if not applies(rule, strategy, timetable):
            continue
        rule = overridden(rule, strategy)
        if rule.each_review_element:
            rows = strategy.review_dates.elements if strategy.review_dates else ()
            deadlines += [_review(strategy, rule, row, timetable, today) for row in rows]
        else:
            deadlines.append(_event(strategy, rule, timetable, today))
    return deadlines


def site_deadlines(timetable: Timetable, events: dict[str, dt.date | None],
                   today: dt.date) -> list[Deadline]:
    """The deadlines that concern the website itself (the accessibility statement)."""
    return [_periodic(SITE_OWNER, rule, events.get(rule.event or ""), timetable, today)
            for rule in timetable.rules if rule.site_wide]


def overridden(rule: TimetableRule, strategy: Edition) -> TimetableRule:
    """The rule as it applies to this strategy, with its override of the period, if any: the
    override's period replaces the rule's (a rule of 7 days overridden with 1 month is due in
    a month; the rule's days would otherwise be counted first)."""
    override = next((o for o in strategy.identity.overrides if o.rule == rule.id), None)
    if override is None or (override.within_days is None and override.within_months is None):
        return rule
    return rule.model_copy(update={"within_days": override.within_days,
                                   "within_months": override.within_months})


def _event_date(strategy: Edition, event: str | None) -> dt.date | None:
    if event == "published":
        return strategy.identity.published
    if event is None:
        return None
    value = getattr(strategy.identity.record, event, None)
    return value if isinstance(value, dt.date) else None


def event_due(strategy: Edition, rule: TimetableRule) -> dt.date | None:
    """When an event a rule asks for is due for this strategy (the rule as overridden, see
    `overridden`): its deadline, or its period from its start; None if the start has no date.
    The Key dates pages and the Home Office submission pack both give this date."""
    return _due(rule, _event_date(strategy, rule.starts))


def _due(rule: TimetableRule, start: dt.date | None) -> dt.date | None:
    if rule.deadline is not None:
        return rule.deadline
    if start is None:
        return None
    if rule.within_days is not None:
        return start + dt.timedelta(days=rule.within_days)
    assert rule.within_months is not None
    return add_months(start, rule.within_months)


def _event(strategy: Edition, rule: TimetableRule, timetable: Timetable,
           today: dt.date) -> Deadline:
    start = _event_date(strategy, rule.starts)
    due = _due(rule, start)
    done = _event_date(strategy, rule.event)
    if due is None:
        return Deadline(strategy.home, rule, rule.checks, None, done, Status.MISSING,
                        f"no date for '{rule.starts}' in strategy.yaml, so no due date")
    if done is not None and rule.not_before_start and start is not None and done < start:
        return Deadline(strategy.home, rule, rule.checks, due, done, Status.TOO_EARLY,
                        f"recorded as done on {done.isoformat()}, before it could count "
                        f"({rule.starts} on {start.isoformat()})")
    return Deadline(strategy.home, rule, rule.checks, due, done,
                    _status(due, done, timetable, today))


def _review(strategy: Edition, rule: TimetableRule, row: ReviewDate, timetable: Timetable,
            today: dt.date) -> Deadline:
    """An element is due by its own date for review, and never later than its cycle allows."""
    last = strategy.identity.record.reviews.get(row.part or "") if row.part else None
    cycle = max(row.cycle_months or 0, rule.within_months or 12)
    if last is None:
        due = min(row.review_by, add_months(row.published, cycle))
        every = cycle if row.cycle_months else None
        note = f"every {cycle} months" if row.cycle_months else ""
    else:  # reviewed: the next review is a cycle later
        due, every = add_months(last, cycle), cycle
        note = f"last reviewed on {last.isoformat()}; every {cycle} months"
    return Deadline(strategy.home, rule, row.element, due, None,
                    _status(due, None, timetable, today), note, every, last)


def _periodic(owner: str, rule: TimetableRule, last: dt.date | None, timetable: Timetable,
              today: dt.date) -> Deadline:
    """A deadline that comes round again: due a period after it was last done."""
    if last is None:
        return Deadline(owner, rule, rule.checks, None, None, Status.MISSING,
                        f"no date recorded for '{rule.event}'")
    due = _due(rule, last)
    assert due is not None
    return Deadline(owner, rule, rule.checks, due, None, _status(due, None, timetable, today),
                    f"last done on {last.isoformat()}")


def _status(due: dt.date, done: dt.date | None, timetable: Timetable,
            today: dt.date) -> Status:
    if done is not None:
        return Status.DONE_ON_TIME if done <= due else Status.DONE_LATE
    if today > due:
        return Status.OVERDUE
    if (due - today).days <= timetable.due_soon_days:
        return Status.DUE_SOON
    return Status.UPCOMING




def calendar_feed(deadlines: Iterable[Deadline], name: str) -> bytes:
    """An iCalendar feed with an all-day event for each deadline not yet done.

    UIDs are stable, so a calendar that subscribes sees a deadline move rather than
    duplicate; DTSTAMP is the due date, so the same data gives the same feed.
    """
    events = []
    for deadline in deadlines:
        if deadline.due is None or deadline.status in (Status.DONE_ON_TIME, Status.DONE_LATE):
            continue
        detail = f"{deadline.rule.checks}. Concerns: {deadline.rule.concerns}."
        if deadline.rule.address:
            detail += f" Send to {deadline.rule.address}."
        events.append(CalendarEvent(deadline.uid, deadline.due, f"Due: {deadline.subject}",
                                    detail + (f" ({deadline.note})" if deadline.note else "")))
    return _feed(name, tuple(events))


@dataclass(frozen=True)
class CalendarEvent:
    """One event of a feed: all a feed is made from."""

    uid: str
    due: dt.date
    summary: str
    description: str


@lru_cache(maxsize=4096)
def _feed(name: str, events: tuple[CalendarEvent, ...]) -> bytes:
    """The feed of these events, made once per process for the same events (a preview's
    rebuild after a save makes only the feeds whose events changed: making them all was a
    seventh of a rebuild at N = 33)."""
    feed = icalendar.Calendar()
    feed.add("prodid", "-//strategy-site//Serious Violence Duty key dates//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", name)
    for made in events:
        event = icalendar.Event()
        event.add("uid", made.uid)
        event.add("dtstamp", dt.datetime.combine(made.due, dt.time(), tzinfo=dt.UTC))
        event.add("dtstart", made.due)
        event.add("dtend", made.due + dt.timedelta(days=1))
        event.add("summary", made.summary)
        event.add("description", made.description)
        feed.add_component(event)
    return bytes(feed.to_ical())
