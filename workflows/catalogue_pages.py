"""The office's pages for the annual decision catalogue (Art. 3 para. 3): the years, and one
year's list where it adds and removes items, records the Party committee's consent and
publishes; and, on a decision's page, its correction of the decision's catalogue item.

Each write is one service call (decisions/catalogue/services.py); a refused input is shown
beside its field and summarised on top, and nothing is recorded."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.urls.base import ViewsetMeta
from viewflow.utils import viewprop

from decisions.catalogue import selectors
from decisions.catalogue import services as catalogue
from decisions.errors import StatutoryGateError

from . import catalogue_forms as forms
from .forms import error_summary
from .pages import DecisionPageAction
from .views import add_errors


class OfficeOnlyMixin:
    """The catalogue is the office's to keep: anyone else gets 403 (a refusal on the trail)."""

    flow_class = None
    viewset = None

    def dispatch(self, request, *args, **kwargs):
        if not catalogue.may_manage_catalogue(request.user):
            raise PermissionDenied(_("Only the office of the decision organ keeps the annual "
                                     "decision catalogue."))
        return super().dispatch(request, *args, **kwargs)

    def viewset_url(self, name: str, *args) -> str:
        return self.request.resolver_match.flow_viewset.reverse(name, args=args)


class CatalogueListView(OfficeOnlyMixin, generic.TemplateView):
    """Every year's catalogue, and the form that drafts a new year's."""

    template_name = "workflows/catalogue_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or forms.CatalogueCreateForm(auto_id="id_create_%s")
        context.update(catalogues=selectors.catalogues(), form=form,
                       error_summary=error_summary(form, None) if form.is_bound else [])
        return context

    def post(self, request, *args, **kwargs):
        form = forms.CatalogueCreateForm(request.POST, auto_id="id_create_%s")
        if form.is_valid():
            try:
                created = catalogue.catalogue_create(acting_user=request.user,
                                                     **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The catalogue is drafted: add its items."))
                return redirect(self.viewset_url("catalogue_manage", created.year))
        return self.render_to_response(self.get_context_data(form=form))


class CatalogueManageView(OfficeOnlyMixin, generic.TemplateView):
    """One year's list: its items (removed ones kept), the consent, the publication."""

    template_name = "workflows/catalogue_manage.html"
    ACTIONS = ("add_item", "consent", "publish", "remove_item")

    def get_catalogue(self):
        found = selectors.catalogue_of_year(self.kwargs["year"])
        if found is None:
            raise Http404
        return found

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year_catalogue = kwargs.get("catalogue") or self.get_catalogue()
        published = year_catalogue.is_published
        item_form = kwargs.get("item_form") or forms.CatalogueItemForm(
            published=published, auto_id="id_item_%s")
        consent_form = kwargs.get("consent_form") or forms.CatalogueConsentForm(
            auto_id="id_consent_%s", initial={
                "date": year_catalogue.party_consent_date,
                "reference": year_catalogue.party_consent_reference})
        bound = [f for f in (item_form, consent_form, kwargs.get("remove_form")) if f and
                 f.is_bound]
        summary = [line for f in bound for line in error_summary(f, None)]
        if kwargs.get("refusal"):
            summary.append({"label": "", "anchor": "", "message": kwargs["refusal"]})
        context.update(
            catalogue=year_catalogue, items=selectors.catalogue_items(year_catalogue),
            item_form=item_form, consent_form=consent_form,
            remove_form=kwargs.get("remove_form"), remove_item=kwargs.get("remove_item"),
            blank_remove_form=forms.CatalogueItemRemoveForm(auto_id=False),
            error_summary=summary)
        return context

    def post(self, request, *args, **kwargs):
        year_catalogue = self.get_catalogue()
        action = request.POST.get("action")
        if action not in self.ACTIONS:
            raise Http404
        context, form = {"catalogue": year_catalogue}, None
        try:
            if action == "add_item":
                form = context["item_form"] = forms.CatalogueItemForm(
                    request.POST, published=year_catalogue.is_published, auto_id="id_item_%s")
                if form.is_valid():
                    catalogue.catalogue_item_add(catalogue=year_catalogue,
                                                 acting_user=request.user, **form.cleaned_data)
                    done = _("The item is added to the catalogue.")
            elif action == "consent":
                form = context["consent_form"] = forms.CatalogueConsentForm(
                    request.POST, auto_id="id_consent_%s")
                if form.is_valid():
                    catalogue.catalogue_consent_record(catalogue=year_catalogue,
                                                       acting_user=request.user,
                                                       **form.cleaned_data)
                    done = _("The Party committee's consent is recorded.")
            elif action == "remove_item":
                item = get_object_or_404(year_catalogue.items, pk=request.POST.get("item"))
                form = context["remove_form"] = forms.CatalogueItemRemoveForm(
                    request.POST, auto_id=f"id_remove{item.pk}_%s")
                context["remove_item"] = item
                if form.is_valid():
                    catalogue.catalogue_item_remove(item=item, acting_user=request.user,
                                                    **form.cleaned_data)
                    done = _("The item is marked removed; the public page shows why.")
            else:
                catalogue.catalogue_publish(catalogue=year_catalogue, acting_user=request.user)
                done = _("The catalogue is published on the public page.")
        except ValidationError as error:
            if form is None:
                raise
            add_errors(form, error)
        except StatutoryGateError as refusal:
            context["refusal"] = refusal.message
            response = self.render_to_response(self.get_context_data(**context))
            response.status_code = 409
            return response
        if form is not None and not form.is_valid():
            return self.render_to_response(self.get_context_data(**context))
        messages.success(request, done)
        return redirect(self.viewset_url("catalogue_manage", year_catalogue.year))


class CatalogueLinkView(DecisionPageAction):
    """The office corrects the decision's catalogue item, or its reason for being outside the
    catalogue, from the decision's page, saying why."""

    form_class = forms.CatalogueLinkForm
    section = "proposal"
    success_message = _("The decision's catalogue item is corrected.")

    def post(self, request, *args, **kwargs):
        if not catalogue.may_manage_catalogue(request.user):
            raise PermissionDenied(_("Only the office of the decision organ corrects a "
                                     "decision's catalogue item."))
        self.form_class = self.bound_form
        return super().post(request, *args, **kwargs)

    def bound_form(self, data):
        decision = self.get_decision()
        return forms.CatalogueLinkForm(data, year=catalogue.decision_year(decision),
                                       keep=decision.catalogue_item)

    def act(self, decision, **data):
        catalogue.decision_catalogue_link_correct(decision=decision, acting_user=self.request.user,
                                                  **data)


class CatalogueViewsetMixin(metaclass=ViewsetMeta):
    """The office's catalogue pages and the decision page's link correction, in the site (login
    required, the site's menu); viewflow's metaclass collects the ``*_path`` below."""

    @viewprop
    def catalogue_link_view(self):
        return CatalogueLinkView.as_view()

    @property
    def catalogue_link_path(self):
        return path("<int:process_pk>/catalogue-link/", self.catalogue_link_view,
                    name="catalogue_link")

    @property
    def catalogue_list_path(self):
        return path("catalogue/", CatalogueListView.as_view(), name="catalogue_list")

    @property
    def catalogue_manage_path(self):
        return path("catalogue/<int:year>/", CatalogueManageView.as_view(),
                    name="catalogue_manage")
