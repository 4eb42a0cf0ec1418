"""The 403 and 404 pages inside the site's frame: its colours, its menu, a way home; and
``render_in_site`` for any other page outside the site's URLs that belongs in its frame."""

from django.http import HttpResponseForbidden, HttpResponseNotFound
from django.template import loader
from django.urls import Resolver404, resolve

from .flows import DecisionFlow


def permission_denied(request, exception):
    context = {"exception": str(exception)}
    return HttpResponseForbidden(render_in_site(request, "403.html", context))


def page_not_found(request, exception):
    return HttpResponseNotFound(render_in_site(request, "404.html", {}))


def render_in_site(request, template_name: str, context: dict) -> str:
    """A page outside the site's URLs drawn in its frame (these, the second factor's)."""
    app = _place_in_site(request)
    if app is not None and request.user.is_authenticated:
        context.update(app.get_context_data(request))
    return loader.render_to_string(template_name, context, request)


def _place_in_site(request):
    """Give the page the site and app its templates draw from (menu, colours, title): those of
    the URL asked for, or the decision list's where that URL is outside the site or none."""
    match = request.resolver_match
    if match is None or "site" not in getattr(match.url_name, "extra", {}):
        try:
            match = resolve(DecisionFlow.instance.reverse("index"))
        except Resolver404:
            return None
    for name, value in match.url_name.extra.items():
        setattr(match, name, value)
    request.resolver_match = match
    return getattr(match, "app", None)
