"""A logged-out visitor to any page of the site is sent to the login form, not shown a 403;
every refused request is an audit event naming the decision and task its URL is about."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from decisions import permissions, selectors
from decisions.audit.refusals import is_asked, record_refusal, refusal_recorded


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


class DecisionReadRequiredMiddleware:
    """Any URL of the site naming a decision's workflow run (its page, chart, timeline, files, and
    every task URL: index, detail, execute, assign...) is a 404 for a logged-in user who may not
    read that decision, as the decision page is: neither the decision nor its tasks leak. Every
    grant on a decision includes reading it, so no one who may act there is turned away."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        in_site = "site" in getattr(getattr(match, "url_name", None), "extra", {})
        if not in_site or not request.user.is_authenticated:
            return None
        decision = decision_of_url(request)
        if decision is not None and not permissions.can_view(request.user, decision):
            raise Http404
        return None


class RefusalAuditMiddleware:
    """Every refused request (401, 403, 404, whoever answered it: a page, the API, the CSRF
    check, the URL resolver) leaves an ``access_refused`` audit event naming what was asked:
    the decision and task of its URL when it names them (decisions/audit/refusals.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code in REFUSED and not refusal_recorded(request)
                and is_asked(request.path)):
            decision, task = asked_of_url(request)
            record_refusal(request, decision, task=task, status=response.status_code)
        return response


REFUSED = frozenset({401, 403, 404})
MAX_ID = 2**63 - 1

#: The API's URLs whose ``pk`` is a decision's id; those of ``tasks/`` name a task's.
API_DECISION_URLS = frozenset({"decision", "events", "withdraw", "opinion-adoption"})
API_TASK_URLS = frozenset({"task", "task-claim", "task-complete", "task-deadline"})


def asked_of_url(request) -> tuple[object, object]:
    """The decision (a row, or the id the API was asked) and the task id a URL names."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None, None
    kwargs = match.kwargs
    if match.namespace == "api":
        if match.url_name in API_DECISION_URLS:
            return kwargs.get("pk"), None
        if match.url_name in API_TASK_URLS:
            return None, kwargs.get("pk")
        return None, None
    return decision_of_url(request), kwargs.get("task_pk")


def decision_of_url(request):
    """The decision whose workflow run the URL names (``process_pk``), if any; looked up once."""
    if not hasattr(request, "juece_decision"):
        match = getattr(request, "resolver_match", None)
        process_pk = match.kwargs.get("process_pk") if match else None
        request.juece_decision = (selectors.decision_by_process(process_pk)
                                  if isinstance(process_pk, int) and 0 < process_pk <= MAX_ID
                                  else None)
    return request.juece_decision
