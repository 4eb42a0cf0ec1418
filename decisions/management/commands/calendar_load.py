from django.core.management.base import BaseCommand, CommandError

from decisions.calendar.official import (
    CalendarYearUnavailable,
    load_official_calendar,
    official_days,
    official_years,
    package_source,
)
from decisions.models import CalendarYear


class Command(BaseCommand):
    help = ("Load China's holidays and 调休 make-up workdays from the installed chinese-calendar "
            "(after `pip install -U chinese-calendar` brings a new year).")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years", metavar="YEAR",
                            help="Load only this year (repeatable); every year the package "
                                 "covers by default.")
        parser.add_argument("--replace", action="store_true",
                            help="Also overwrite years an administrator entered by hand.")

    def handle(self, *args, years=None, replace=False, **options):
        try:
            loaded = load_official_calendar(years, replace=replace)
        except CalendarYearUnavailable as error:
            raise CommandError(str(error)) from error
        sources = dict(CalendarYear.objects.values_list("year", "source"))
        for year in sorted(set(years or official_years())):
            if year not in loaded:
                self.stdout.write(self.style.WARNING(
                    f"{year}: kept as entered by an administrator ({sources[year]}); "
                    "--replace overwrites it"))
                continue
            workdays = sum(is_workday for is_workday, _ in official_days(year).values())
            self.stdout.write(f"{year}: {loaded[year] - workdays} holidays, "
                              f"{workdays} make-up workdays")
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {len(loaded)} year(s) from {package_source()}."))
