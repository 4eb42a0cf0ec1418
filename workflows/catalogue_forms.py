"""The office's forms for the annual catalogue (Art. 3 para. 3). They check shape only; the
services (decisions/catalogue/services.py) say what the statute asks, field by field."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions.catalogue.selectors import items_for_correction
from decisions.catalogue.services import decision_year, may_manage_catalogue

from .forms import CatalogueItemChoiceField, date_input


class LabelledForm(forms.Form):
    """A plain form of the office's pages: each label above its field, with no colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class CatalogueCreateForm(LabelledForm):
    year = forms.IntegerField(label=_("Year"), min_value=1, max_value=9999)
    organ = forms.CharField(label=_("Decision organ"), max_length=120,
                            help_text=_("e.g. the town's people's government."))
    title = forms.CharField(
        label=_("Title of the catalogue"), max_length=200, required=False,
        help_text=_("Empty: “<organ> <year> annual catalogue of major administrative decision "
                    "items”."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)


class CatalogueItemForm(LabelledForm):
    title = forms.CharField(label=_("Decision item"), max_length=200)
    lead_unit = forms.CharField(label=_("Lead unit"), max_length=120)
    planned_quarter = forms.TypedChoiceField(
        label=_("Planned quarter"), coerce=int,
        choices=[("", "—"), *[(q, _("Quarter %(q)s") % {"q": q}) for q in range(1, 5)]])
    basis = forms.CharField(label=_("Basis"), widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("Why it is a major decision: the law, plan or policy "
                                        "it rests on (Art. 3 para. 1)."))
    reason = forms.CharField(
        label=_("Reason for adding it during the year"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The catalogue is published: an item added now is an adjustment of it, "
                    "and the public page shows it with this reason."))

    def __init__(self, *args, published: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not published:
            del self.fields["reason"]
        for field in ("title", "lead_unit", "planned_quarter", "basis"):
            self.fields[field].required = False  # the service says what is missing, at once


class CatalogueConsentForm(LabelledForm):
    date = forms.DateField(label=_("Date of the Party committee's consent"), required=False,
                           widget=date_input())
    reference = forms.CharField(label=_("Reference of the consent"), max_length=120,
                                required=False,
                                help_text=_("The number of the Party committee's reply or the "
                                            "minutes of its meeting, e.g. 季家委〔2025〕3号."))


class CatalogueItemRemoveForm(LabelledForm):
    reason = forms.CharField(label=_("Reason for removing it"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class CatalogueLinkForm(LabelledForm):
    """The office corrects which item a decision carries out, or why it is outside."""

    catalogue_item = CatalogueItemChoiceField(
        label=_("Item of the annual decision catalogue"), queryset=None, required=False,
        empty_label="—")
    outside_catalogue_reason = forms.CharField(
        label=_("Why it is outside the catalogue"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason for the correction"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, year: int, keep=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["catalogue_item"].queryset = items_for_correction(year, keep=keep)


def catalogue_link_context(user, decision) -> dict:
    """What the decision page shows of the link, and the office's form to correct it."""
    may_correct = may_manage_catalogue(user)
    return {"may_correct_catalogue_link": may_correct,
            "catalogue_link_form": CatalogueLinkForm(
                year=decision_year(decision), keep=decision.catalogue_item,
                auto_id="id_link_%s", initial={
                    "catalogue_item": decision.catalogue_item_id,
                    "outside_catalogue_reason": decision.outside_catalogue_reason})
            if may_correct else None}
