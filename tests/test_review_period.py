"""Art. 26 para. 2: the legality review is given at least seven working days, however a
deployment sets its period: refused in the admin, named by a system check, never applied."""

import pytest
from django.core import checks
from django.core.exceptions import ValidationError

from decisions.deadlines.reckoning import stage_periods
from decisions.models import StagePeriod
from decisions.rulebook import LEGAL_REVIEW_MIN_WORKING_DAYS, Stage

from .factories import make_user


@pytest.mark.parametrize(("days", "working"), [(6, True), (10, False), (0, True)])
def test_a_review_period_under_seven_working_days_is_refused(db, days, working):
    period = StagePeriod(stage=Stage.LEGAL_REVIEW, period_days=days, working_days=working)
    with pytest.raises(ValidationError) as refused:
        period.full_clean()
    assert "第二十六条" in str(refused.value.message_dict["period_days"])


def test_seven_working_days_or_more_are_accepted_and_other_stages_are_free(db):
    StagePeriod(stage=Stage.LEGAL_REVIEW, period_days=LEGAL_REVIEW_MIN_WORKING_DAYS,
                working_days=True).full_clean()
    StagePeriod(stage=Stage.ACCEPTANCE, period_days=3, working_days=False).full_clean()


def test_the_admin_refuses_it_in_chinese_and_saves_nothing(client, db):
    admin = make_user("root", "office")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post("/admin/decisions/stageperiod/add/", {
        "stage": Stage.LEGAL_REVIEW, "period_days": 5, "working_days": "on",
        "extension_days": 0, "source": "本地规定"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "合法性审查时间一般不少于7个工作日（第二十六条第二款）" in response.content.decode()
    assert not StagePeriod.objects.exists()


def test_a_row_written_around_the_admin_is_named_by_the_check_and_not_applied(db):
    row = StagePeriod.objects.create(stage=Stage.LEGAL_REVIEW, period_days=5, working_days=True)
    errors = [e for e in checks.run_checks(databases=["default"]) if e.id == "juece.E011"]
    assert [e.obj for e in errors] == [row]
    period = stage_periods()[Stage.LEGAL_REVIEW]
    assert period.working_days and period.days >= LEGAL_REVIEW_MIN_WORKING_DAYS
    assert not [e for e in checks.run_checks() if e.id == "juece.E011"]  # database checks only
