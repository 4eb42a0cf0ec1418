"""A user's unit, so that "anyone of the lead unit" can be known (Art. 20: no one with a direct
interest in the matter is named to weigh it). Written by ``add_user --unit``; optional."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="profile", verbose_name=_("user"))
    unit = models.CharField(_("unit"), max_length=120, blank=True,
                            help_text=_("The unit the person works in, written as a decision's "
                                        "lead unit is written."))

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        ordering = ["user_id"]

    def __str__(self):
        return f"{self.user.get_username()}: {self.unit}"


def unit_of(user) -> str:
    """The unit recorded for ``user``, or "" when none is."""
    if user is None or not getattr(user, "pk", None):
        return ""
    try:
        return user.profile.unit.strip()
    except Profile.DoesNotExist:
        return ""
