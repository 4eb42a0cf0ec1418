"""Every change through the Django admin is an audit event with its actor, before and after;
passwords never enter the trail; the flow engine's processes and tasks are read-only there."""

import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone
from viewflow.workflow.models import Process, Task

from decisions.audit import verify_chain
from decisions.audit.admin_changes import AdminAuditMixin
from decisions.models import AuditEvent, StagePeriod
from decisions.rulebook import Stage

from .factories import Journey

pytestmark = pytest.mark.django_db

STRONG = "Lantern-Bridge-4729"


@pytest.fixture
def root():
    return get_user_model().objects.create_superuser("root", "root@example.test", STRONG)


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def user_form(user, **changes) -> dict:
    """The admin's change form of ``user`` as posted back, with ``changes``."""
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "is_active": "on" if user.is_active else "",
        "groups": [group.pk for group in user.groups.all()],
        "user_permissions": [perm.pk for perm in user.user_permissions.all()],
        "last_login_0": "", "last_login_1": "",
        "date_joined_0": timezone.localtime(user.date_joined).strftime("%Y-%m-%d"),
        "date_joined_1": timezone.localtime(user.date_joined).strftime("%H:%M:%S"),
        "_save": "Save",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v not in ("", None) or k.startswith("last_login")}


def test_every_registered_admin_is_audited():
    assert admin.site._registry, "the admin has models"
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AdminAuditMixin), model
    assert isinstance(admin.site._registry[get_user_model()], AdminAuditMixin)


def test_a_users_groups_and_name_changed_in_the_admin_are_one_event(admin_client, root, people):
    drafter = people["drafter"]
    office = Group.objects.get(name="office")
    response = admin_client.post(f"/admin/auth/user/{drafter.pk}/change/", user_form(
        drafter, last_name="王建国", groups=[office.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]

    [event] = events("admin_change")
    assert event.actor == root
    assert event.before["model"] == event.after["model"] == "auth.user"
    assert event.before["object"] == "drafter"
    assert (event.before["last_name"], event.after["last_name"]) == ("王起草", "王建国")
    assert (event.before["groups"], event.after["groups"]) == (["drafter"], ["office"])
    assert "password" not in event.before and "password" not in event.after
    assert drafter.password.split("$")[-1] not in json.dumps([event.before, event.after])
    assert verify_chain().ok


def test_saving_a_user_unchanged_records_nothing(admin_client, people):
    drafter = people["drafter"]
    drafter.date_joined = drafter.date_joined.replace(microsecond=0)  # as the form shows it
    drafter.save()
    response = admin_client.post(f"/admin/auth/user/{drafter.pk}/change/", user_form(drafter))
    assert response.status_code == 302
    assert not events("admin_change")


def test_a_password_set_in_the_admin_is_recorded_as_changed_and_never_shown(admin_client, root,
                                                                            people):
    expert = people["expert"]
    old_hash = expert.password
    response = admin_client.post(f"/admin/auth/user/{expert.pk}/password/", {
        "password1": STRONG, "password2": STRONG, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    expert.refresh_from_db()
    assert expert.password != old_hash

    [event] = events("admin_change")
    assert event.actor == root and event.after["password_changed"] is True
    recorded = json.dumps([event.before, event.after], ensure_ascii=False)
    for secret in (old_hash, expert.password, STRONG, *old_hash.split("$"),
                   *expert.password.split("$")[2:]):
        assert secret not in recorded
    assert "password\"" not in recorded.replace("password_changed\"", "")


def test_a_user_added_in_the_admin_is_an_event_without_the_password(admin_client, root):
    response = admin_client.post("/admin/auth/user/add/", {
        "username": "newclerk", "password1": STRONG, "password2": STRONG,
        "usable_password": "true", "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    user = get_user_model().objects.get(username="newclerk")
    [event] = events("admin_add")
    assert event.actor == root and event.before == {}
    assert event.after["username"] == "newclerk" and event.after["id"] == user.pk
    assert event.after["groups"] == [] and event.after["user_permissions"] == []
    assert "password" not in event.after
    assert user.password not in json.dumps(event.after)


def test_a_groups_permissions_changed_in_the_admin_are_listed_before_and_after(admin_client,
                                                                              root):
    group = Group.objects.create(name="档案室")
    group.permissions.add(Permission.objects.get(codename="view_decision"))
    add = Permission.objects.get(codename="add_decision")
    view = Permission.objects.get(codename="view_decision")
    response = admin_client.post(f"/admin/auth/group/{group.pk}/change/", {
        "name": "档案室", "permissions": [add.pk, view.pk], "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    [event] = events("admin_change")
    assert event.before["permissions"] == ["decisions.view_decision"]
    assert event.after["permissions"] == ["decisions.add_decision", "decisions.view_decision"]
    assert event.after["model"] == "auth.group" and event.after["object"] == "档案室"


def test_a_users_own_permissions_changed_in_the_admin_are_listed(admin_client, people):
    member = people["member"]
    add = Permission.objects.get(codename="add_decision")
    response = admin_client.post(f"/admin/auth/user/{member.pk}/change/",
                                 user_form(member, user_permissions=[add.pk]))
    assert response.status_code == 302
    [event] = events("admin_change")
    assert (event.before["user_permissions"], event.after["user_permissions"]) == (
        [], ["decisions.add_decision"])


def test_deletions_in_the_admin_one_or_several_are_events_with_the_row(admin_client, root):
    one, two, three = (Group.objects.create(name=name) for name in ("甲组", "乙组", "丙组"))
    response = admin_client.post(f"/admin/auth/group/{one.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    response = admin_client.post("/admin/auth/group/", {
        "action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"})
    assert response.status_code == 302
    deleted = events("admin_delete")
    assert deleted[0].before["object"] == "甲组"
    assert sorted(e.before["object"] for e in deleted[1:]) == ["丙组", "乙组"]
    assert all(e.actor == root and e.after == {} and e.before["model"] == "auth.group"
               for e in deleted)
    assert not Group.objects.filter(name__in=["甲组", "乙组", "丙组"]).exists()
    assert verify_chain().ok


def test_a_stage_period_deleted_in_the_admin_keeps_its_name(admin_client, root):
    period = StagePeriod.objects.create(stage=Stage.LEGAL_REVIEW, period_days=15,
                                        working_days=True, extension_days=10, source="办法")
    response = admin_client.post(f"/admin/decisions/stageperiod/{period.pk}/delete/",
                                 {"post": "yes"})
    assert response.status_code == 302
    [event] = events("stage_period_delete")
    assert event.actor == root and event.before["period_days"] == 15


def test_a_failed_admin_form_records_nothing(admin_client, people):
    response = admin_client.post("/admin/auth/user/add/", {
        "username": "weak", "password1": "1", "password2": "1", "usable_password": "true"})
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action__startswith="admin_").exists()


# The flow engine's state


@pytest.fixture
def flow_rows(people):
    journey = Journey(people).submit()
    process = Process.objects.get(pk=journey.decision.process_id)
    return process, Task.objects.filter(process=process).order_by("pk").first()


def test_processes_and_tasks_are_read_only_in_the_admin_even_for_a_superuser(
        admin_client, root, flow_rows, rf):
    process, task = flow_rows
    request = rf.get("/admin/")
    request.user = root
    for model in (Process, Task):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, None)
        assert not model_admin.has_delete_permission(request, None)
        assert model_admin.has_view_permission(request, None)
    process_admin = admin.site._registry[Process]
    for inline in process_admin.get_inline_instances(request, process):
        assert not inline.has_change_permission(request, process)

    prefix = f"/admin/{Process._meta.app_label}"
    assert admin_client.get(f"{prefix}/process/{process.pk}/change/").status_code == 200
    assert admin_client.get(f"{prefix}/task/{task.pk}/change/").status_code == 200
    status = task.status
    assert admin_client.post(f"{prefix}/task/{task.pk}/change/",
                             {"status": "CANCELED"}).status_code == 403
    assert admin_client.post(f"{prefix}/task/{task.pk}/delete/", {"post": "yes"}).status_code \
        == 403
    assert admin_client.post(f"{prefix}/process/{process.pk}/delete/",
                             {"post": "yes"}).status_code == 403
    assert admin_client.get(f"{prefix}/process/add/").status_code == 403
    task.refresh_from_db()
    assert task.status == status and Process.objects.filter(pk=process.pk).exists()
    assert not AuditEvent.objects.filter(action__startswith="admin_").exists()



def test_the_refusal_tallies_are_read_only_in_the_admin(admin_client, root, rf):
    from decisions.models import RefusalTally

    assert Client().get("/no/such/page/").status_code == 404
    tally = RefusalTally.objects.get()
    request = rf.get("/admin/")
    request.user = root
    model_admin = admin.site._registry[RefusalTally]
    assert not model_admin.has_change_permission(request, tally)
    assert not model_admin.has_delete_permission(request, tally)
    assert admin_client.get("/admin/decisions/refusaltally/").status_code == 200
    assert admin_client.get(f"/admin/decisions/refusaltally/{tally.pk}/change/").status_code \
        == 200
