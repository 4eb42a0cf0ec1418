"""Completing a task through the API: the stage's validated body becomes its command.

The command (``decisions.commands``) is the one input the stage form builds too; its service
validates it, and the field errors it raises come back under the API's published names.
"""

from django.core.exceptions import ValidationError

from decisions import commands


def perform(stage: str, decision, data, user, task) -> None:
    try:
        commands.from_api(stage, data).run(decision=decision, acting_user=user, task=task)
    except ValidationError as error:
        raise commands.api_error(stage, error) from None
