"""What a logged-in person was shown is never kept by a browser's or a proxy's cache: a decision's
draft, its audit trail, a task, an API answer or a downloaded dossier stays off the shared office
computer's disk and out of any cache between it and the server."""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (with ``private, no-cache, max-age=0``) on every answer to an
    authenticated request (a session or an API token: DRF sets the token's user on the request),
    on every answer of the API (a token it issues included) and on every download. Static files
    never reach it (WhiteNoise answers them first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if ((user is not None and user.is_authenticated) or _is_api(request)
                or _is_download(response)):
            add_never_cache_headers(response)
        return response


def _is_api(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and "api" in match.namespaces


def _is_download(response) -> bool:
    return response.get("Content-Disposition", "").lower().startswith("attachment")
