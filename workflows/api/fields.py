"""Input fields that refuse, with a 400, what the database or the audit chain could not store."""

from django.contrib.auth import get_user_model
from rest_framework import serializers


class Text(serializers.CharField):
    """A string storable as UTF-8: no NUL (DRF refuses it already), no lone surrogate."""

    default_error_messages = {"surrogate": "The text contains an invalid character."}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("surrogate")
        return value


class Username(serializers.SlugRelatedField):
    """A user named by login; an unknown or switched-off login is a field error."""

    default_error_messages = {
        "does_not_exist": "No active user with the login {value}.",
        "invalid": "Give a login (a string).",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", get_user_model().objects.filter(is_active=True))
        super().__init__(slug_field="username", **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or len(data) > 150:
            self.fail("invalid")
        Text().run_validation(data)
        return super().to_internal_value(data)
