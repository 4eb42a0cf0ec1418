"""The published annual decision catalogue, for anyone, without a login (Art. 3 para. 3:
向社会公布). Read-only: nothing here writes, so it needs neither a session nor a CSRF token;
of a decision linked to an item it names only a published one (selectors.public_items)."""

from django.http import Http404
from django.views import generic

from decisions.catalogue import selectors


class PublicCatalogueIndexView(generic.TemplateView):
    """The years whose catalogue is published, newest first."""

    template_name = "catalogue/public_index.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "catalogues": selectors.published_catalogues()}


class PublicCatalogueView(generic.TemplateView):
    """One year's published list: its items, the Party committee's consent, the publication,
    and the year's changes with their reasons; a year not published is a 404."""

    template_name = "catalogue/public_year.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        catalogue = selectors.published_catalogue(self.kwargs["year"])
        if catalogue is None:
            raise Http404
        items = selectors.public_items(catalogue)
        return {**super().get_context_data(**kwargs), "catalogue": catalogue, "items": items,
                "changes": selectors.public_changes(items)}
