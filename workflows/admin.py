"""The flow engine's state is read-only in the admin: a process or a task moves only through the
flow (and its audit events), never by editing its row, whoever the administrator is."""

from django.contrib import admin
from viewflow.workflow import admin as viewflow_admin
from viewflow.workflow.models import Process, Task


class FlowStateReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TaskInline(FlowStateReadOnly, viewflow_admin.TaskInline):
    pass


class ProcessAdmin(FlowStateReadOnly, viewflow_admin.ProcessAdmin):
    inlines = [TaskInline]


class TaskAdmin(FlowStateReadOnly, viewflow_admin.TaskAdmin):
    pass


for model, model_admin in ((Process, ProcessAdmin), (Task, TaskAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
