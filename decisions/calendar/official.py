"""China's official holidays and 调休 make-up workdays, loaded from the package chinese-calendar.

The package puts the State Council's yearly notice on holiday arrangements into code; a new release
usually follows the notice each November. Until it does, an administrator may enter the year by
hand. A year so entered (its source starts "admin") is never overwritten by a load unless asked.
"""

import datetime
from importlib import metadata

import chinese_calendar
from chinese_calendar import constants
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..audit import audit_record
from .models import CalendarDay, CalendarYear

CHINESE_NAMES = {
    "Spring Festival": "春节",
    "National Day": "国庆节",
    "New Year's Day": "元旦",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

ADMINISTRATOR_SOURCE = "administrator"


class CalendarYearUnavailable(ValueError):
    """The installed chinese-calendar has no data for a year asked for."""

    def __init__(self, missing: list[int], available: list[int]):
        self.missing, self.available = missing, available
        super().__init__(
            f"chinese-calendar {package_version()} has no holidays for "
            f"{', '.join(map(str, missing))}; it covers {year_span(available)}. "
            "Upgrade it (pip install -U chinese-calendar) once the State Council has published "
            "the year, or enter the year by hand in the admin.")


def package_version() -> str:
    try:
        return metadata.version("chinese-calendar")
    except metadata.PackageNotFoundError:
        return getattr(chinese_calendar, "__version__", "unknown")


def package_source() -> str:
    return f"chinese-calendar {package_version()}"


def year_span(years: list[int]) -> str:
    """2004-2026, or the list when it has gaps."""
    if years and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return ", ".join(map(str, years))


def entered_by_administrator(calendar_year: CalendarYear) -> bool:
    return calendar_year.source.strip().lower().startswith("admin")


def administrator_source(text: str = "") -> str:
    """The source of a year entered by hand: "administrator", with the notice it cites."""
    text = (text or "").strip()
    if text.lower().startswith("admin"):
        return text
    source = f"{ADMINISTRATOR_SOURCE}: {text}" if text else ADMINISTRATOR_SOURCE
    return source[:CalendarYear._meta.get_field("source").max_length]


def chinese_name(name: str) -> str:
    return CHINESE_NAMES.get(name, name)


def official_years() -> list[int]:
    """Every year the installed package has holidays for."""
    return sorted({day.year for day in constants.holidays})


def official_days(year: int) -> dict[datetime.date, tuple[bool, str]]:
    """The year's departures from Monday-Friday: day -> (is a working day, Chinese name)."""
    days = {day: (False, chinese_name(name))
            for day, name in constants.holidays.items() if day.year == year}
    days.update({day: (True, chinese_name(name))
                 for day, name in constants.workdays.items() if day.year == year})
    return dict(sorted(days.items()))


def load_official_calendar(years=None, *, acting_user=None, replace: bool = False
                           ) -> dict[int, int]:
    """Load each year from the package (all it covers when ``years`` is None): days per year.

    A year an administrator entered is left alone (and left out of the result) unless
    ``replace``. Loading unchanged data changes nothing, so the load can be run at any time.
    """
    available = official_years()
    wanted = available if years is None else sorted(set(years))
    missing = [year for year in wanted if year not in available]
    if missing:
        raise CalendarYearUnavailable(missing, available)
    source = package_source()
    loaded = {}
    for year in wanted:
        days = official_days(year)
        with transaction.atomic():
            if calendar_year_load(year=year, days=days, source=source,
                                  acting_user=acting_user, replace=replace):
                loaded[year] = len(days)
    return loaded


def calendar_year_load(*, year: int, days: dict[datetime.date, tuple[bool, str]], source: str,
                       acting_user=None, replace: bool = False) -> bool:
    """Make the stored year match ``days``; False when it was left alone as an administrator's."""
    calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
    if calendar_year is not None and entered_by_administrator(calendar_year) and not replace:
        return False
    stored = {row.day: row for row in CalendarDay.objects.select_for_update().filter(
        Q(day__year=year) | Q(calendar_year__year=year))}
    before = calendar_year_snapshot(calendar_year, stored.values())
    if calendar_year is not None and calendar_year.source == source and {
            day: (row.is_workday, row.name) for day, row in stored.items()} == days and all(
            row.calendar_year_id == calendar_year.pk for row in stored.values()):
        return True

    if calendar_year is None:
        calendar_year = CalendarYear(year=year)
    else:
        calendar_year.loaded_at = timezone.now()
    calendar_year.source = source
    calendar_year.loaded_by = acting_user
    calendar_year.full_clean()
    calendar_year.save()

    CalendarDay.objects.filter(pk__in=[row.pk for day, row in stored.items()
                                       if day not in days]).delete()
    new_rows = []
    for day, (is_workday, name) in days.items():
        row = stored.get(day)
        if row is not None and (row.calendar_year_id, row.is_workday, row.name) == (
                calendar_year.pk, is_workday, name):
            continue
        row = row or CalendarDay(day=day)
        row.calendar_year, row.is_workday, row.name = calendar_year, is_workday, name
        row.full_clean(validate_unique=False)
        if row.pk is None:
            new_rows.append(row)
        else:
            row.save()
    CalendarDay.objects.bulk_create(new_rows)

    audit_record(action="calendar_year_load", actor=acting_user, before=before,
                 after=calendar_year_snapshot(calendar_year, calendar_year.days.all()))
    return True


def calendar_year_snapshot(calendar_year: CalendarYear | None, days) -> dict:
    """The year for the audit trail: its source and its holidays and make-up workdays."""
    if calendar_year is None:
        return {}
    days = sorted(days, key=lambda row: row.day)
    return {
        "year": calendar_year.year,
        "source": calendar_year.source,
        "holidays": {row.day.isoformat(): row.name for row in days if not row.is_workday},
        "workdays": {row.day.isoformat(): row.name for row in days if row.is_workday},
    }
