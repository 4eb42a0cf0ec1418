"""Load China's official holidays and make-up workdays from the installed chinese-calendar.

Self-contained on purpose (historical models, no application imports), so that this migration
keeps doing today what it did when written. Later years come with ``manage.py calendar_load``.
"""

from importlib import metadata

from django.db import migrations

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
SOURCE_PREFIX = "chinese-calendar"


def official_days():
    """year -> [(day, is_workday, Chinese name)] for every year the package covers."""
    from chinese_calendar import constants

    years = {}
    for table, is_workday in ((constants.holidays, False), (constants.workdays, True)):
        for day, name in table.items():
            years.setdefault(day.year, []).append((day, is_workday, CHINESE_NAMES.get(name, name)))
    return years


def load(apps, schema_editor):
    CalendarYear = apps.get_model("decisions", "CalendarYear")
    CalendarDay = apps.get_model("decisions", "CalendarDay")
    source = f"{SOURCE_PREFIX} {metadata.version('chinese-calendar')}"
    taken_years = set(CalendarYear.objects.values_list("year", flat=True))
    taken_days = set(CalendarDay.objects.values_list("day", flat=True))
    for year, days in sorted(official_days().items()):
        if year in taken_years:
            continue
        calendar_year = CalendarYear.objects.create(year=year, source=source)
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=calendar_year, day=day, is_workday=is_workday, name=name)
            for day, is_workday, name in sorted(days) if day not in taken_days)


def unload(apps, schema_editor):
    CalendarYear = apps.get_model("decisions", "CalendarYear")
    CalendarDay = apps.get_model("decisions", "CalendarDay")
    loaded = CalendarYear.objects.filter(source__startswith=SOURCE_PREFIX)
    CalendarDay.objects.filter(calendar_year__in=loaded).delete()
    loaded.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("decisions", "0003_deadlines_and_calendar"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
