"""A logged-out visitor to any page of the site is sent to the login form, not shown a 403."""

from django.contrib.auth.views import redirect_to_login


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
