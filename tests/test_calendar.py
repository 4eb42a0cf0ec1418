"""The working-day calendar: loaded from chinese-calendar by the migration, reckoned across the
Spring Festival and National Day, flagged where a year has no official data, completed by hand."""

import datetime
import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from decisions.calendar.official import (
    CalendarYearUnavailable,
    load_official_calendar,
    official_days,
    package_source,
)
from decisions.calendar.working import Reckoning, WorkingCalendar
from decisions.models import AuditEvent, CalendarDay, CalendarYear, StagePeriod
from decisions.rulebook import Stage

pytestmark = pytest.mark.django_db

D = datetime.date
PACKAGE_YEARS = list(range(2004, 2027))
ADD_URL = "/admin/decisions/calendaryear/add/"


def calendar_for(day: datetime.date) -> WorkingCalendar:
    return WorkingCalendar.around(day)


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("root", "root@example.test", "pw")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def year_2027_form(**overrides) -> dict:
    """The admin add form for 2027 as the State Council might publish it: New Year's Day on
    Friday 1 January, made up on Saturday 9 January."""
    data = {
        "year": "2027",
        "source": "国办发明电〔2026〕7号",
        "days-TOTAL_FORMS": "2",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "days-0-day": "2027-01-01",
        "days-0-name": "元旦",
        "days-1-day": "2027-01-09",
        "days-1-is_workday": "on",
        "days-1-name": "元旦",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def change_form(calendar_year: CalendarYear, *extra_days: tuple[str, bool, str]) -> dict:
    """The admin change form of a stored year, as posted back with ``extra_days`` added."""
    rows = list(calendar_year.days.order_by("day"))
    data = {
        "year": str(calendar_year.year),
        "source": calendar_year.source,
        "days-TOTAL_FORMS": str(len(rows) + len(extra_days)),
        "days-INITIAL_FORMS": str(len(rows)),
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for index, row in enumerate(rows):
        data.update({f"days-{index}-id": str(row.pk),
                     f"days-{index}-calendar_year": str(calendar_year.pk),
                     f"days-{index}-day": row.day.isoformat(), f"days-{index}-name": row.name})
        if row.is_workday:
            data[f"days-{index}-is_workday"] = "on"
    for index, (day, is_workday, name) in enumerate(extra_days, start=len(rows)):
        data.update({f"days-{index}-day": day, f"days-{index}-name": name})
        if is_workday:
            data[f"days-{index}-is_workday"] = "on"
    return data


def form_errors(response) -> str:
    context = response.context
    if context is None:
        return ""
    errors = [context["adminform"].form.errors] if "adminform" in context else []
    for inline in context.get("inline_admin_formsets", []):
        errors += [inline.formset.errors, inline.formset.non_form_errors()]
    return str(errors)


# The data migration


def test_the_migration_loads_every_year_the_package_covers():
    assert list(CalendarYear.objects.values_list("year", flat=True)) == PACKAGE_YEARS
    assert set(CalendarYear.objects.values_list("source", flat=True)) == {package_source()}
    spring = CalendarDay.objects.get(day=D(2026, 2, 17))
    assert (spring.is_workday, spring.name, spring.calendar_year.year) == (False, "春节", 2026)
    assert CalendarDay.objects.get(day=D(2026, 2, 14)).is_workday
    assert CalendarDay.objects.get(day=D(2015, 9, 3)).name == (
        "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日")
    assert set(CalendarDay.objects.values_list("name", flat=True)) == {
        "春节", "国庆节", "元旦", "清明节", "劳动节", "端午节", "中秋节",
        "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"}


def test_the_migration_reverses_and_reapplies():
    migration = importlib.import_module("decisions.migrations.0004_official_calendar")
    days = CalendarDay.objects.count()

    migration.unload(apps, None)
    assert not CalendarYear.objects.exists() and not CalendarDay.objects.exists()

    migration.load(apps, None)
    assert list(CalendarYear.objects.values_list("year", flat=True)) == PACKAGE_YEARS
    assert CalendarDay.objects.count() == days


# Reckoning across the holidays


def test_spring_festival_2026_holidays_and_make_up_saturdays():
    calendar = calendar_for(D(2026, 2, 12))
    assert calendar.is_workday(D(2026, 2, 14))  # Saturday, made up
    assert not any(calendar.is_workday(D(2026, 2, day)) for day in range(15, 24))
    assert calendar.is_workday(D(2026, 2, 24))
    assert calendar.is_workday(D(2026, 2, 28))  # Saturday, made up
    assert not calendar.is_workday(D(2026, 3, 1))  # an ordinary Sunday

    reckoned = [calendar.add_working_days(D(2026, 2, 12), n).day for n in range(1, 5)]
    assert reckoned == [D(2026, 2, 13), D(2026, 2, 14), D(2026, 2, 24), D(2026, 2, 25)]


def test_a_fifteen_working_day_period_skips_the_spring_festival_and_counts_the_saturday():
    calendar = calendar_for(D(2026, 2, 12))
    # Counted Monday to Friday it would end on 5 March.
    assert calendar.add_working_days(D(2026, 2, 12), 15) == Reckoning(D(2026, 3, 11), None)
    assert calendar.add_working_days(D(2026, 2, 12), 7) == Reckoning(D(2026, 2, 28), None)
    assert calendar.working_days_between(D(2026, 2, 12), D(2026, 3, 11)) == 15
    assert calendar.working_days_between(D(2026, 2, 14), D(2026, 2, 24)) == 1
    assert calendar.subtract_working_days(D(2026, 3, 11), 15) == Reckoning(D(2026, 2, 12), None)
    assert calendar.subtract_working_days(D(2026, 2, 24), 1) == Reckoning(D(2026, 2, 14), None)


def test_national_day_2025_with_make_up_sunday_and_saturday():
    calendar = calendar_for(D(2025, 9, 26))
    assert not calendar.is_workday(D(2025, 9, 27))  # an ordinary Saturday
    assert calendar.is_workday(D(2025, 9, 28))  # Sunday, made up
    assert not any(calendar.is_workday(D(2025, 10, day)) for day in range(1, 9))
    assert calendar.is_workday(D(2025, 10, 11))  # Saturday, made up

    reckoned = [calendar.add_working_days(D(2025, 9, 26), n).day for n in range(1, 8)]
    assert reckoned == [D(2025, 9, 28), D(2025, 9, 29), D(2025, 9, 30), D(2025, 10, 9),
                        D(2025, 10, 10), D(2025, 10, 11), D(2025, 10, 13)]
    assert calendar.working_days_between(D(2025, 9, 30), D(2025, 10, 9)) == 1
    assert calendar.working_days_between(D(2025, 9, 26), D(2025, 10, 13)) == 7
    assert calendar.working_days_between(D(2025, 10, 13), D(2025, 9, 26)) == 0
    assert calendar.subtract_working_days(D(2025, 10, 9), 1) == Reckoning(D(2025, 9, 30), None)
    assert calendar.subtract_working_days(D(2025, 10, 13), 2) == Reckoning(D(2025, 10, 10),
                                                                           None)
    assert calendar.subtract_working_days(D(2025, 9, 29), 1) == Reckoning(D(2025, 9, 28), None)


# A year without official data


def test_a_reckoning_into_a_year_without_official_data_names_that_year():
    calendar = calendar_for(D(2026, 12, 20))
    assert not calendar.covers(2027)
    assert calendar.add_working_days(D(2026, 12, 20), 9) == Reckoning(D(2026, 12, 31), None)
    # Into 2027, counted Monday to Friday: Friday 1 January is a workday, and so on to the 8th.
    assert calendar.add_working_days(D(2026, 12, 20), 15) == Reckoning(D(2027, 1, 8), 2027)
    assert calendar.subtract_working_days(D(2027, 1, 8), 6) == Reckoning(D(2026, 12, 31), 2027)
    assert calendar.add_days(D(2026, 12, 20), 30) == Reckoning(D(2027, 1, 19), 2027)


def test_after_an_administrator_adds_the_year_the_reckoning_is_covered(admin_client, superuser):
    response = admin_client.post(ADD_URL, year_2027_form())
    assert response.status_code == 302, form_errors(response)

    year = CalendarYear.objects.get(year=2027)
    assert year.source == "administrator: 国办发明电〔2026〕7号"
    assert year.loaded_by == superuser
    assert list(year.days.values_list("day", "is_workday", "name")) == [
        (D(2027, 1, 1), False, "元旦"), (D(2027, 1, 9), True, "元旦")]
    event = AuditEvent.objects.get(action="calendar_year_edit")
    assert event.actor == superuser and event.before == {}
    assert event.after["holidays"] == {"2027-01-01": "元旦"}
    assert event.after["workdays"] == {"2027-01-09": "元旦"}

    calendar = calendar_for(D(2026, 12, 20))
    # 1 January is a holiday now, and Saturday 9 January is the fifteenth working day.
    assert calendar.add_working_days(D(2026, 12, 20), 15) == Reckoning(D(2027, 1, 9), None)
    assert calendar.add_working_days(D(2026, 12, 20), 16) == Reckoning(D(2027, 1, 11), None)


def test_a_year_entered_without_citing_a_notice_says_administrator(admin_client):
    response = admin_client.post(ADD_URL, year_2027_form(source=""))
    assert response.status_code == 302, form_errors(response)
    assert CalendarYear.objects.get(year=2027).source == "administrator"


def test_the_admin_refuses_days_outside_the_year_and_weekday_make_up_days(admin_client):
    response = admin_client.post(ADD_URL, year_2027_form(**{"days-0-day": "2028-01-03"}))
    assert response.status_code == 200
    assert "2027" in form_errors(response)

    response = admin_client.post(ADD_URL, year_2027_form(**{"days-1-day": "2027-01-11"}))
    assert response.status_code == 200
    assert "is_workday" in form_errors(response)

    response = admin_client.post(ADD_URL, year_2027_form(**{"days-0-day": "2027-01-09"}))
    assert response.status_code == 200  # the same day twice
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_staff_with_the_model_permissions_may_add_a_year_and_others_may_not(client):
    staff = get_user_model().objects.create_user("calendar-clerk", password="pw", is_staff=True)
    client.force_login(staff)
    assert client.get(ADD_URL).status_code == 403

    staff.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="decisions",
        codename__in=["add_calendaryear", "change_calendaryear", "view_calendaryear"]))
    response = client.post(ADD_URL, year_2027_form())
    assert response.status_code == 302, form_errors(response)
    assert CalendarYear.objects.get(year=2027).days.count() == 2


def test_the_year_list_counts_holidays_and_make_up_days(admin_client):
    response = admin_client.get("/admin/decisions/calendaryear/?year=2026")
    assert response.status_code == 200
    row = response.context["cl"].result_list[0]
    assert (row.year, row.holiday_count, row.workday_count) == (2026, 33, 6)


# Loading from the package


def test_loading_twice_changes_nothing():
    days, events = CalendarDay.objects.count(), AuditEvent.objects.count()
    loaded_at = CalendarYear.objects.get(year=2026).loaded_at

    first = load_official_calendar()
    assert load_official_calendar() == first
    assert sorted(first) == PACKAGE_YEARS
    assert first[2026] == len(official_days(2026)) == 39
    assert CalendarDay.objects.count() == days
    assert AuditEvent.objects.count() == events
    assert CalendarYear.objects.get(year=2026).loaded_at == loaded_at


def test_loading_repairs_a_year_and_audits_it_once(superuser):
    CalendarDay.objects.filter(day=D(2026, 2, 17)).delete()
    CalendarDay.objects.filter(day=D(2026, 2, 14)).update(name="被改动")
    CalendarDay.objects.create(calendar_year=CalendarYear.objects.get(year=2026),
                               day=D(2026, 3, 3), is_workday=False, name="并非假日")

    assert load_official_calendar([2026], acting_user=superuser) == {2026: 39}
    stored = dict(CalendarDay.objects.filter(day__year=2026).values_list("day", "name"))
    assert stored[D(2026, 2, 17)] == "春节" and stored[D(2026, 2, 14)] == "春节"
    assert D(2026, 3, 3) not in stored
    event = AuditEvent.objects.get(action="calendar_year_load")
    assert event.actor == superuser
    assert "2026-03-03" in event.before["holidays"]
    assert "2026-03-03" not in event.after["holidays"]
    assert CalendarYear.objects.get(year=2026).loaded_by == superuser

    load_official_calendar([2026])
    assert AuditEvent.objects.filter(action="calendar_year_load").count() == 1


def test_a_year_the_package_lacks_is_refused_naming_the_years_it_has():
    with pytest.raises(CalendarYearUnavailable) as refusal:
        load_official_calendar([2026, 2031])
    assert refusal.value.missing == [2031]
    assert "2004-2026" in str(refusal.value)


def test_an_administrators_year_is_not_overwritten_unless_asked():
    CalendarYear.objects.filter(year=2026).update(source="administrator: 国办发明电〔2025〕7号")
    CalendarDay.objects.filter(day=D(2026, 10, 7)).delete()

    assert 2026 not in load_official_calendar()
    assert not CalendarDay.objects.filter(day=D(2026, 10, 7)).exists()

    assert load_official_calendar([2026], replace=True) == {2026: 39}
    assert CalendarDay.objects.filter(day=D(2026, 10, 7)).exists()
    assert CalendarYear.objects.get(year=2026).source == package_source()


def test_a_package_year_amended_in_the_admin_becomes_the_administrators(admin_client):
    year = CalendarYear.objects.get(year=2026)
    response = admin_client.post(f"/admin/decisions/calendaryear/{year.pk}/change/",
                                 change_form(year, ("2026-12-31", False, "地方补充")))
    assert response.status_code == 302, form_errors(response)
    year.refresh_from_db()
    assert year.source == f"administrator: {package_source()}"

    assert 2026 not in load_official_calendar()
    assert CalendarDay.objects.filter(day=D(2026, 12, 31)).exists()


def test_saving_a_package_year_unchanged_leaves_it_the_packages(admin_client):
    year = CalendarYear.objects.get(year=2025)
    response = admin_client.post(f"/admin/decisions/calendaryear/{year.pk}/change/",
                                 change_form(year))
    assert response.status_code == 302, form_errors(response)
    year.refresh_from_db()
    assert year.source == package_source()
    assert not AuditEvent.objects.filter(action="calendar_year_edit").exists()


# The command


def test_the_command_loads_a_year_and_says_what():
    CalendarDay.objects.filter(day__year=2026).delete()
    out = StringIO()
    call_command("calendar_load", "--year", "2026", stdout=out)
    assert "2026: 33 holidays, 6 make-up workdays" in out.getvalue()
    assert CalendarDay.objects.filter(day__year=2026).count() == 39


def test_the_command_refuses_a_year_the_package_lacks():
    with pytest.raises(CommandError) as refusal:
        call_command("calendar_load", "--year", "2031", stdout=StringIO())
    assert "2031" in str(refusal.value) and "2004-2026" in str(refusal.value)


def test_the_command_keeps_an_administrators_year():
    CalendarYear.objects.filter(year=2026).update(source="administrator")
    out = StringIO()
    call_command("calendar_load", stdout=out)
    assert "2026: kept as entered by an administrator" in out.getvalue()
    assert "2025: " in out.getvalue()

    out = StringIO()
    call_command("calendar_load", "--year", "2026", "--replace", stdout=out)
    assert "2026: 33 holidays" in out.getvalue()
    assert CalendarYear.objects.get(year=2026).source == package_source()


# The stages' periods


def test_an_administrator_sets_a_stage_period(admin_client, superuser):
    response = admin_client.post("/admin/decisions/stageperiod/add/", {
        "stage": Stage.LEGAL_REVIEW, "period_days": "15", "working_days": "on",
        "extension_days": "10", "source": "《季家镇合法性审查办法》第八条", "_save": "Save"})
    assert response.status_code == 302, form_errors(response)
    period = StagePeriod.objects.get(stage=Stage.LEGAL_REVIEW)
    assert (period.period_days, period.extension_days, period.updated_by) == (15, 10, superuser)
    assert AuditEvent.objects.get(action="stage_period_edit").after["period_days"] == 15
