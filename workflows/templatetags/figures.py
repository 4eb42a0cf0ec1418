"""``{% if request.user|may_read_figures %}``: the menu's link to the dashboard of the year."""

from django import template

from decisions import permissions

register = template.Library()


@register.filter
def may_read_figures(user) -> bool:
    return permissions.can_read_figures(user)
