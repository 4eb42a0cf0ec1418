"""The second factor's pages (``/accounts/two-factor/``): the code asked after the password,
the enrolment (a QR code, the secret as text, a first code to confirm it), the user's own page
(两步验证, in the user menu) and the removal of his device with a current code.

The code's page and an enrolment the login owes are drawn like the login page; the user's own
page and an enrolment of his own accord inside the site's frame, with its menu."""

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from workflows.errors import render_in_site

from . import two_factor
from .lockout import lockout_response


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=gettext_lazy("Verification code"), max_length=8, strip=True,
        help_text=gettext_lazy("The six digits your authenticator app shows now."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}))


def next_url(request, default: str = "/") -> str:
    """Where to go once the code is in: the page first asked for, on this site only."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


class VerifyView(LoginRequiredMixin, generic.View):
    """After the password: the code of the user's device."""

    template_name = "registration/two_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            owed = two_factor.owed_by_session(request)
            if owed == two_factor.ENROL:
                return redirect(_with_next(reverse("two_factor_enrol"), request))
            if not owed:
                return redirect(next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.page(request, CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            verdict = two_factor.code_check(request, request.user,
                                            form.cleaned_data["otp_token"], login=True)
            if verdict.outcome == "locked":
                return lockout_response(request)
            if verdict.ok:
                two_factor.session_verified(request, verdict.device)
                return redirect(next_url(request))
            form.add_error("otp_token", verdict.message())
        return self.page(request, form)

    def page(self, request, form):
        return render(request, self.template_name, {"form": form, "next": next_url(request)})


class EnrolView(LoginRequiredMixin, generic.View):
    """A new device: scan the QR code (or type the secret), then confirm with its first code.
    A login that owes the enrolment is drawn like the login page; one of his own accord, in the
    site's frame."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and two_factor.confirmed_device(request.user):
            if two_factor.owed_by_session(request) == two_factor.VERIFY:
                return redirect(_with_next(reverse("two_factor_verify"), request))
            return redirect("two_factor")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.page(request, CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        key = request.session.get(two_factor.PENDING_KEY)
        if form.is_valid() and key:
            try:
                device = two_factor.otp_device_confirm(
                    key=key, token=form.cleaned_data["otp_token"], acting_user=request.user)
            except two_factor.SecondFactorRefused:
                return redirect("two_factor")
            if device is not None:
                two_factor.session_verified(request, device)
                messages.success(request, _("Two-step verification is on: each login will "
                                            "ask for a code of your authenticator app."))
                return redirect(next_url(request, reverse("two_factor")))
            form.add_error("otp_token", _(
                "The code does not match. Check that the app shows this login, and that the "
                "phone's clock is right, then enter the code it shows now."))
        elif form.is_valid():
            form.add_error(None, _("The enrolment expired. Scan the new QR code."))
        return self.page(request, form)

    def page(self, request, form):
        owed = two_factor.owed_by_session(request) == two_factor.ENROL
        device = two_factor.enrolment_device(
            request.user, two_factor.enrolment_key(request.session))
        context = {"form": form, "next": next_url(request, ""), "owed": owed,
                   "secret": two_factor.secret_text(device),
                   "issuer": settings.OTP_TOTP_ISSUER, "account": request.user.get_username()}
        if owed:
            return render(request, "registration/two_factor_enrol.html", context)
        return HttpResponse(render_in_site(request, "workflows/two_factor_enrol.html", context))


class QRCodeView(LoginRequiredMixin, generic.View):
    """The enrolment's QR code, an SVG image from this site (the page runs no script)."""

    def get(self, request):
        key = request.session.get(two_factor.PENDING_KEY)
        if not key or two_factor.confirmed_device(request.user):
            raise Http404
        device = two_factor.enrolment_device(request.user, key)
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage,
                            box_size=10, border=2)
        return HttpResponse(image.to_string(encoding="unicode"),
                            content_type="image/svg+xml; charset=utf-8")


class TwoFactorView(LoginRequiredMixin, generic.View):
    """The user's own page: whether his logins ask for a code, and how to start or stop it."""

    def get(self, request):
        return self.page(request, CodeForm())

    def page(self, request, form):
        user = request.user
        context = {"device": two_factor.confirmed_device(user), "form": form,
                   "required": two_factor.required_for(user),
                   "covered": two_factor.covered(user)}
        return HttpResponse(render_in_site(request, "workflows/two_factor.html", context))


class RemoveView(TwoFactorView):
    """Turn it off: only with a current code, and never while it is required of him."""

    http_method_names = ["post"]

    def post(self, request):
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.page(request, form)
        try:
            verdict = two_factor.otp_device_remove(
                request=request, token=form.cleaned_data["otp_token"], acting_user=request.user)
        except two_factor.SecondFactorRefused as refused:
            form.add_error(None, refused.message)
            return self.page(request, form)
        if verdict.outcome == "locked":
            return lockout_response(request)
        if not verdict.ok:
            form.add_error("otp_token", verdict.message())
            return self.page(request, form)
        messages.success(request, _("Two-step verification is off: logins ask for the "
                                    "password only."))
        return redirect("two_factor")


def _with_next(url: str, request) -> str:
    target = next_url(request, "")
    return f"{url}?{urlencode({'next': target})}" if target else url


urlpatterns = [
    path("", TwoFactorView.as_view(), name="two_factor"),
    path("verify/", VerifyView.as_view(), name="two_factor_verify"),
    path("enrol/", EnrolView.as_view(), name="two_factor_enrol"),
    path("enrol/qr.svg", QRCodeView.as_view(), name="two_factor_qr"),
    path("remove/", RemoveView.as_view(), name="two_factor_remove"),
]
