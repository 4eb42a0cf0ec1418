"""Every request's acts carry its user and IP address into the audit trail; ``record_refusal``
writes a refused request's audit event: who (or no one), from where, what was asked (method,
path, the answer's status, the decision and task when known).

Refusals cost the chain little: identical ones (same user, IP, method and path) within one
clock minute are one event and a count (``RefusalTally``), and one user or IP gets at most
``JUECE_REFUSAL_EVENTS_PER_MINUTE`` events a minute, the rest counted under one more. Once its
minute is over, a count above one is sealed into the chain by ``seal_refusal_tallies`` (the
beat's, every minute)."""

import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..records.models import Decision
from ..stage_tasks.models import StageTask
from .chain import _client_ip, _current_actor, audit_record
from .models import AuditEvent, RefusalTally

MAX_ID = 2**63 - 1

#: Paths whose 404 is no one's attempt at anything: browsers ask for them on their own.
NOT_ASKED = frozenset({"/favicon.ico", "/robots.txt", "/apple-touch-icon.png"})


def request_ip(request) -> str | None:
    if settings.JUECE_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ip_token = _client_ip.set(request_ip(request))
        actor_token = _current_actor.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _current_actor.reset(actor_token)
            _client_ip.reset(ip_token)


def _http_request(request):
    """Django's request under DRF's wrapper, where a mark set on it stays for the middleware."""
    return getattr(request, "_request", request)


def refusal_recorded(request) -> bool:
    return getattr(_http_request(request), "juece_refusal_recorded", False)


def is_asked(path: str) -> bool:
    """A 404 of a static file or of a browser's own request for an icon refuses no one."""
    return path not in NOT_ASKED and not path.startswith(settings.STATIC_URL)


def record_refusal(request, decision=None, *, task=None, status: int = 403) -> AuditEvent | None:
    """A refused request: who tried what, from where, on which decision and task (a row or its
    id, as asked). Returns the event, or None when the refusal was only counted."""
    http_request = _http_request(request)
    http_request.juece_refusal_recorded = True
    user = getattr(http_request, "user", None)
    actor = user if getattr(user, "is_authenticated", False) else None
    ip = request_ip(http_request)
    decision_id, task_id = _id_of(decision), _id_of(task)
    after = {"method": request.method, "path": request.path, "status": status}
    if decision_id is not None:
        after["decision"] = decision_id
    if task_id is not None:
        after["task"] = task_id
    who = f"{getattr(actor, 'pk', '')}|{ip or ''}"
    source = _digest(who)
    key = _digest(f"{who}|{request.method}|{request.path}")
    minute = timezone.now().replace(second=0, microsecond=0)
    if _counted(key, minute):
        return None
    if (RefusalTally.objects.filter(source=source, minute=minute).count()
            >= settings.JUECE_REFUSAL_EVENTS_PER_MINUTE):
        key = _digest(f"{who}|*")
        if _counted(key, minute):
            return None
        after["overflow"] = True
    task_row = StageTask.objects.filter(pk=task_id).first() if task_id is not None else None
    decision_row = (Decision.objects.filter(pk=decision_id).first() if decision_id is not None
                    else getattr(task_row, "decision", None))
    earlier = (RefusalTally.objects.filter(key=key, minute__lt=minute)
               .select_related("event__decision").order_by("-minute").first())
    if earlier is not None and earlier.count > 1 and earlier.sealed_by_id is None:
        after["earlier_refusals"] = {"sequence": earlier.event.sequence, "count": earlier.count}
    try:
        with transaction.atomic():
            event = audit_record(action="access_refused", actor=actor, decision=decision_row,
                                 task=task_row, ip=ip, after=after, at_once=True)
            RefusalTally.objects.create(key=key, source=source, minute=minute, event=event)
    except IntegrityError:  # the same refusal, recorded at the same moment by another request
        _counted(key, minute)
        return None
    return event


def _counted(key: str, minute) -> bool:
    """Add one to this minute's tally of ``key``, if it has one and it is not sealed yet."""
    return bool(RefusalTally.objects.filter(key=key, minute=minute, sealed_by__isnull=True)
                .update(count=F("count") + 1))


def seal_refusal_tallies(*, batch: int = 500) -> int:
    """Seal into the chain the count of every tally of a minute that is over and that counted
    more than its first refusal: one ``access_refusals_counted`` event each, naming the first
    refusal's sequence. Returns how many were sealed."""
    minute = timezone.now().replace(second=0, microsecond=0)
    sealed = 0
    while True:
        with transaction.atomic():
            tallies = list(RefusalTally.objects
                           .filter(minute__lt=minute, count__gt=1, sealed_by__isnull=True)
                           .select_related("event").order_by("minute", "pk")
                           .select_for_update(skip_locked=True)[:batch])
            for tally in tallies:
                first = tally.event
                tally.sealed_by = audit_record(
                    action="access_refusals_counted", actor=None,
                    decision=first.decision, task=first.task_id, ip=first.ip,
                    after={"sequence": first.sequence, "count": tally.count,
                           "minute": tally.minute.isoformat(), **_asked(first.after)},
                    at_once=True)
                tally.save(update_fields=["sealed_by"])
        sealed += len(tallies)
        if len(tallies) < batch:
            return sealed


def _asked(after: dict) -> dict:
    return {name: after[name] for name in ("method", "path", "overflow") if name in after}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _id_of(row) -> int | None:
    if row is None:
        return None
    try:
        value = int(getattr(row, "pk", row))
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_ID else None


def refusal_counts(events) -> dict[int, int]:
    """How many identical refusals each of these events that has a tally stands for: one query
    for a page of events, whatever they are."""
    ids = [event.pk for event in events]
    return dict(RefusalTally.objects.filter(event_id__in=ids).values_list("event_id", "count"))
