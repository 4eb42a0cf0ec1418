"""The baseline page the issue measures every page against: a bare Django view behind the same
middleware and database session as the app's pages, with one permission check and 20 rows.

``?decision=<id>`` names the decision whose read permission is checked (the bench passes one the
logged-in user may read); without it, 403, so a load that is not logged in fails loudly."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.html import escape

from decisions.models import Decision
from decisions.rulebook import VIEW_PERMISSION


def baseline_view(request):
    checked = request.GET.get("decision", "")
    if not checked.isdigit() or not request.user.has_perm(
            f"decisions.{VIEW_PERMISSION}", Decision(pk=int(checked))):
        raise PermissionDenied
    rows = Decision.objects.order_by("-id").values_list("id", "title", "stage")[:20]
    items = "".join(f"<li>{pk} {escape(title)} {stage}</li>" for pk, title, stage in rows)
    return HttpResponse(f"<!doctype html><title>baseline</title><ul>{items}</ul>")
