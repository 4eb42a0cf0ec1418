"""Query parameters of the lists, checked like a body: a bad value is a 400."""

from rest_framework import serializers

from decisions.rulebook import Stage


class DecisionFilter(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.values, required=False)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
