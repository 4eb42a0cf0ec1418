"""Input fields that refuse, with a 400, what the database or the audit chain could not store."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from decisions.catalogue.selectors import all_items


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


class CatalogueItemField(serializers.PrimaryKeyRelatedField):
    """An item of the annual catalogue, by its id (GET /api/v1/catalogue/{year}/ lists them);
    whether a proposal may name it (published, not removed, its year) the service says."""

    default_error_messages = {
        "does_not_exist": "No catalogue item with the id {pk_value}.",
        "incorrect_type": "Give the catalogue item's id (an integer).",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", all_items())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int) or not 0 < data < 2**63:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


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
