"""The task lists' filters (workflows/task_filters.py, issue 13): by step and by date, never a
list of every decision, the steps in the statute's order under their Chinese names."""

import json
import re
from html import unescape

from django.utils import translation
from viewflow.workflow.fields import get_task_ref

from workflows.flows import DecisionFlow
from workflows.task_filters import step_choices

from .factories import Journey
from .http_client import logged_in


def test_the_queue_filters_by_step_and_date_without_a_list_of_decisions(people):
    Journey(people, title="筛选测试的决策").submit()
    office = logged_in(people["office"])
    queue = DecisionFlow.instance.reverse("queue")

    html = office.get(queue).content.decode()
    assert 'name="flow_task"' in html and 'name="created"' in html
    assert 'name="process"' not in html  # viewflow's <select> of every decision
    with translation.override("zh-hans"):
        titles = [str(title) for _ref, title in step_choices()]
    assert titles[0] == "完善并提交决策建议" and titles[-1] == "公布决策"
    # viewflow's Material form draws the select from the options it is handed as JSON
    field = re.search(r'<vf-field-select id="id_flow_task"[^>]*optgroups="([^"]*)"', html)
    options = [group["options"] for group in json.loads(unescape(field.group(1)))]
    assert [option["label"] for option in options if option["value"]] == titles

    acceptance = get_task_ref(DecisionFlow.acceptance)
    publication = get_task_ref(DecisionFlow.publication)
    assert "筛选测试的决策" in office.get(queue, {"flow_task": acceptance}).content.decode()
    assert "筛选测试的决策" not in office.get(queue, {"flow_task": publication}).content.decode()


def test_the_completed_tasks_filter_also_by_the_day_done(people):
    Journey(people, title="已办筛选").submit()
    drafter = logged_in(people["drafter"])
    html = drafter.get(DecisionFlow.instance.reverse("archive")).content.decode()
    assert 'name="finished"' in html and 'name="process"' not in html
    assert "已办筛选" in html
