"""A browser session whose login still owes its second factor (two_factor.owed_by_session)
reaches nothing but the pages where it gives it: the code's page, or the enrolment when the
deployment requires a device and he has none; besides them only logging out, the language
switch and static files. Every other page, the admin and the API docs included, sends him there;
the API answers 403 ``{"detail", "code"}`` (``otp_required``, ``otp_enrolment_required``).

API tokens are not sessions: the token exchange asks for the code itself (workflows/api)."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .two_factor import VERIFY, owed_by_session

#: What a login that owes its second factor may still reach, by URL name.
OPEN = frozenset({
    "two_factor_verify", "two_factor_enrol", "two_factor_qr",
    "logout", "admin:logout", "set_language", "javascript-catalog",
    "api:token",  # the exchange asks for the code itself
})


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        owed = owed_by_session(request) if hasattr(request, "user") else ""
        if owed:
            refusal = second_factor_refusal(request, owed)
            if refusal is not None:
                return refusal
        return self.get_response(request)


def second_factor_refusal(request, owed: str):
    if request.path_info.startswith(settings.STATIC_URL):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match is not None and match.view_name in OPEN:
        return None
    if match is not None and match.namespace == "api" and match.url_name != "docs":
        return api_refusal(owed)
    page = "two_factor_verify" if owed == VERIFY else "two_factor_enrol"
    return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")


def api_refusal(owed: str) -> JsonResponse:
    if owed == VERIFY:
        body = {"detail": _("Enter the code of your authenticator app first."),
                "code": "otp_required"}
    else:
        body = {"detail": _("Two-step verification is required for your login: set it up "
                            "first."),
                "code": "otp_enrolment_required"}
    return JsonResponse(body, status=403, json_dumps_params={"ensure_ascii": False})
