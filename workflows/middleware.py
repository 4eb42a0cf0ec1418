"""A logged-out visitor to any page of the site is sent to the login form, not shown a 403; a
refused request is an audit event naming the decision its URL is about."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from decisions import selectors
from decisions.audit.refusals import record_refusal


class SiteLoginRequiredMiddleware:
    """Every URL of the viewflow site needs a login; the login page, the language switch, the
    admin (its own login) and the API (its own token authentication) are outside the site."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        in_site = "site" in getattr(getattr(match, "url_name", None), "extra", {})
        if in_site and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return None


class RefusalAuditMiddleware:
    """A view that raises ``PermissionDenied`` leaves an ``access_refused`` audit event, on the
    decision of the flow page it was refused (the ``process_pk`` of its URL), if any."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            record_refusal(request, decision_of_url(request))


def decision_of_url(request):
    match = getattr(request, "resolver_match", None)
    process_pk = match.kwargs.get("process_pk") if match else None
    if process_pk is None:
        return None
    return selectors.decision_by_process(process_pk)
