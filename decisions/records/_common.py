from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import Decision
from ..rulebook import Stage


def locked(decision: Decision) -> Decision:
    """Re-read the decision under a row lock so concurrent acts on it are serialised."""
    return Decision.objects.select_for_update().get(pk=decision.pk)


def require_open(decision: Decision) -> None:
    if decision.stage == Stage.ARCHIVED:
        raise ValidationError(_("This decision is archived and can no longer be changed."))


def require_text(errors: dict, field: str, value, label: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.setdefault(field, []).append(_("%(field)s is required.") % {"field": label})


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)
