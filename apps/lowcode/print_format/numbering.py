"""发文字号: 某科字〔2023〕1号, 2号, … per issuer and year, never reused, never skipped.

The series row is locked (SELECT … FOR UPDATE) for the rest of the caller's
transaction: a second issuer waits, and a rolled-back issue gives its number
back, so the numbers handed out are exactly 1, 2, 3, … in commit order.
"""

import re
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.lowcode.print_format.model import NumberSeries


def prefix_of(pattern: str, year: int) -> str:
    """The part before the sequence number, which names the series: 某科字〔2023〕."""
    return pattern.split("{number}")[0].replace("{year}", str(year))


def format_number(pattern: str, year: int, number) -> str:
    """No leading zeros (GB/T 9704): 某科字〔2023〕1号."""
    return pattern.replace("{year}", str(year)).replace("{number}", str(number))


def draft_number(pattern: str, year: int) -> str:
    """How an unnumbered draft shows its 发文字号: the sequence left blank for the registry."""
    return format_number(pattern, year, "\u3000\u3000")


def parse_number(pattern: str, text: str) -> tuple[int, int] | None:
    """(year, number) of a 发文字号 written in this pattern, or None."""
    regex = (
        re.escape(pattern)
        .replace(re.escape("{year}"), r"(?P<year>\d{4})")
        .replace(re.escape("{number}"), r"(?P<number>[1-9]\d*)")
    )
    match = re.fullmatch(regex, text.strip())
    return (int(match["year"]), int(match["number"])) if match else None


def document_date(print_format, doc) -> date | None:
    """The 成文日期 the document carries itself (the plan's 2023-02-21), or None.

    It is the one date of the notice: printed on it, recorded on the register, and
    the year of its 发文字号.
    """
    if not print_format.date_field:
        return None
    value = getattr(doc, print_format.date_field, None)
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, date) else None


def document_year(print_format, doc, issue_date: date | None = None) -> int:
    """The year of a document's 发文字号: its own 成文日期's, else its own year (a plan's, a period's),
    else the issue date's (today for a preview). Never today's year for a document of another year."""
    own = document_date(print_format, doc)
    if own is not None:
        return own.year
    year = getattr(doc, "year", None)
    if isinstance(year, int) and not isinstance(year, bool) and 1000 <= year <= 9999:
        return year
    return (issue_date or timezone.localdate()).year


def _locked_series(prefix: str) -> NumberSeries:
    try:
        with transaction.atomic():
            NumberSeries.objects.get_or_create(prefix=prefix)
    except IntegrityError:
        pass  # another issuer created it a moment ago: lock theirs
    return NumberSeries.objects.select_for_update().get(prefix=prefix)


def take_next(pattern: str, year: int) -> str:
    """The next 发文字号 of the series; call inside the transaction that records it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_next must run inside the transaction that stores the number")
    series = _locked_series(prefix_of(pattern, year))
    series.current += 1
    series.save(update_fields=["current"])
    return format_number(pattern, year, series.current)


def mark_used(pattern: str, text: str) -> None:
    """A number given outside the system (the plan's own 1号): later numbers follow it."""
    parsed = parse_number(pattern, text)
    if parsed is None:
        return
    year, number = parsed
    series = _locked_series(prefix_of(pattern, year))
    if series.current < number:
        series.current = number
        series.save(update_fields=["current"])
