"""Working days: China's statutory holidays and 调休 make-up workdays, from the database.

Days of a year without official data are counted Monday to Friday, but every reckoning that
touches such a year says so, so that a legal deadline is never silently wrong.
"""

import datetime
from dataclasses import dataclass

from .models import CalendarDay, CalendarYear

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Reckoning:
    """A date reckoned from the calendar, and the first year it crossed without official data."""

    day: datetime.date
    uncovered_year: int | None = None


class WorkingCalendar:
    """The calendar for a span of years, loaded in two queries and then used in memory."""

    def __init__(self, first_year: int, last_year: int):
        self.first_year, self.last_year = first_year, last_year
        self.covered_years = set(CalendarYear.objects.filter(
            year__range=(first_year, last_year)).values_list("year", flat=True))
        self.exceptions = dict(CalendarDay.objects.filter(
            day__year__range=(first_year, last_year)).values_list("day", "is_workday"))

    @classmethod
    def around(cls, day: datetime.date, years_after: int = 2) -> "WorkingCalendar":
        return cls(day.year - 1, day.year + years_after)

    def covers(self, year: int) -> bool:
        return year in self.covered_years

    def is_workday(self, day: datetime.date) -> bool:
        self._require_loaded(day)
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def add_working_days(self, start: datetime.date, days: int) -> Reckoning:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
        day, counted, uncovered = start, 0, None
        while counted < days:
            day += ONE_DAY
            uncovered = uncovered or self._uncovered(day)
            if self.is_workday(day):
                counted += 1
        return Reckoning(day, uncovered)

    def subtract_working_days(self, end: datetime.date, days: int) -> Reckoning:
        """The working day ``days`` working days before ``end``."""
        day, counted, uncovered = end, 0, None
        while counted < days:
            day -= ONE_DAY
            uncovered = uncovered or self._uncovered(day)
            if self.is_workday(day):
                counted += 1
        return Reckoning(day, uncovered)

    def add_days(self, start: datetime.date, days: int) -> Reckoning:
        """Calendar days (where the statute says days, not working days)."""
        day = start + datetime.timedelta(days=days)
        uncovered = next((year for year in range(start.year, day.year + 1)
                          if not self.covers(year)), None)
        return Reckoning(day, uncovered)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            if self.is_workday(day):
                count += 1
        return count

    def _uncovered(self, day: datetime.date) -> int | None:
        return None if self.covers(day.year) else day.year

    def _require_loaded(self, day: datetime.date) -> None:
        if not self.first_year <= day.year <= self.last_year:
            raise ValueError(f"{day} is outside the loaded span {self.first_year}-"
                             f"{self.last_year}; load a wider WorkingCalendar")
