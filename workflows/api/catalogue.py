"""The published annual decision catalogue (Art. 3 para. 3), read-only and open to anyone, as
its public page is: no login, no token, nothing of a decision not yet published."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from decisions.catalogue import selectors

from . import schema


class PublishedDecisionSerializer(serializers.Serializer):
    title = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)


class PublicItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text=(
        "What a proposal names as its `catalogue_item`."))
    number = serializers.IntegerField(help_text="序号 within the catalogue.")
    title = serializers.CharField()
    lead_unit = serializers.CharField()
    planned_quarter = serializers.IntegerField(min_value=1, max_value=4)
    basis = serializers.CharField()
    added_at = serializers.DateTimeField(source="added_on")
    added_reason = serializers.CharField(help_text="Why it was added after publication; empty "
                                                   "for an item of the list as published.")
    removed_at = serializers.DateTimeField(source="removed_on", allow_null=True)
    removed_reason = serializers.CharField()
    decision_brought = serializers.BooleanField(source="brought", help_text=(
        "Whether a decision carrying out this item has been proposed."))
    published_decisions = serializers.SerializerMethodField(help_text=(
        "The published decisions carrying out this item (Art. 32); a decision still in the "
        "procedure is not named."))

    def get_published_decisions(self, item) -> list[dict]:
        return PublishedDecisionSerializer(
            [{"title": title, "published_on": on} for title, on in item.published_decisions],
            many=True).data


class ChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["added", "removed"])
    on = serializers.DateTimeField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    reason = serializers.CharField()


class PublicCatalogueSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    organ = serializers.CharField()
    title = serializers.CharField()
    party_consent_date = serializers.DateField()
    party_consent_reference = serializers.CharField()
    published_at = serializers.DateTimeField()
    items = PublicItemSerializer(many=True)
    changes = ChangeSerializer(many=True, help_text=(
        "Items added or removed after publication, oldest first, each with its reason."))


class CatalogueView(APIView):
    """A year's published decision catalogue: its items, the Party committee's consent, the
    publication, the changes during the year with their reasons, and for each item whether a
    decision was brought (named only once published). 404 for a year not published."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(parameters=[OpenApiParameter("year", int, OpenApiParameter.PATH)],
                   responses={200: PublicCatalogueSerializer, **schema.errors(404, 429)},
                   auth=[])
    def get(self, request, year):
        try:
            year = int(year)
        except (TypeError, ValueError):
            raise exceptions.NotFound() from None
        catalogue = selectors.published_catalogue(year) if 0 < year < 10000 else None
        if catalogue is None:
            raise exceptions.NotFound()
        items = selectors.public_items(catalogue)
        return Response(PublicCatalogueSerializer({
            "year": catalogue.year, "organ": catalogue.organ, "title": catalogue.title,
            "party_consent_date": catalogue.party_consent_date,
            "party_consent_reference": catalogue.party_consent_reference,
            "published_at": catalogue.published_at, "items": items,
            "changes": selectors.public_changes(items)}).data)
