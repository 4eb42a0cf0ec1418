"""Completing a task through the API: the stage's validated body becomes its command.

The command (``decisions.commands``) is the one input the stage form builds too; its service
validates it, and the field errors it raises come back under the API's published names, an
item's (``consultations.1.hearing_on``) nested as the body's own errors are:
``{"consultations": [{}, {"hearing_on": [...]}]}``.
"""

from django.core.exceptions import ValidationError
from rest_framework import exceptions

from decisions import commands


def nested(errors: dict) -> dict:
    """Field errors keyed ``list.index.field`` as the list's errors, one object per item."""
    body: dict = {}
    for key, messages in errors.items():
        name, _dot, rest = key.partition(".")
        index, _dot, field = rest.partition(".")
        if not (index.isdigit() and field):
            body[key] = messages
            continue
        items = body.setdefault(name, [])
        items.extend({} for _ in range(int(index) + 1 - len(items)))
        items[int(index)].setdefault(field, []).extend(messages)
    return body


def perform(stage: str, decision, data, user, task) -> None:
    try:
        commands.from_api(stage, data).run(decision=decision, acting_user=user, task=task)
    except ValidationError as error:
        error = commands.api_error(stage, error)
        if hasattr(error, "error_dict") and any("." in key for key in error.message_dict):
            raise exceptions.ValidationError(nested(error.message_dict)) from None
        raise error from None
