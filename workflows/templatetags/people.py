"""``{{ user|display_name }}``: a person's name as Chinese people write it (decisions.people)."""

from django import template

from decisions import people

register = template.Library()


@register.filter
def display_name(user) -> str:
    return people.display_name(user)
