from django import template

from decisions import selectors

register = template.Library()


@register.filter
def task_deadline(task):
    """The deadline of a flow task, as the domain's stage task of the same number holds it."""
    return selectors.task_deadline(task.pk)
