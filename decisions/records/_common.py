from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..errors import StatutoryGateError
from ..models import Decision
from ..people import display_name, signs_as
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


def require_signed_opinion(*, acting_user, opinion: str, opinion_label: str, signature: str,
                           declares_no_interest: bool | None, conflict_message: str) -> None:
    """A written opinion signed by the person who gives it (Arts. 19 para. 2, 28), who declares
    he has no direct interest in the matter (Art. 20): field errors first, then the conflict."""
    errors: dict = {}
    require_text(errors, "opinion", opinion, opinion_label)
    require_text(errors, "signature", signature, _("The signature"))
    if not errors and not signs_as(acting_user, signature):
        errors["signature"] = [_("Sign with your own name as registered: %(name)s.")
                               % {"name": display_name(acting_user)}]
    if declares_no_interest is None:
        errors["declares_no_interest"] = [_("Declare whether you have a direct interest in the "
                                            "matter (Art. 20).")]
    raise_if(errors)
    if not declares_no_interest:
        raise StatutoryGateError("conflict_of_interest", conflict_message)
