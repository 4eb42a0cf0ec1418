from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from viewflow.workflow.timers import fire_due_timers

from decisions.deadlines.reminders import reminders_sweep
from decisions.models import Reminder


class Command(BaseCommand):
    help = "Run one reminder sweep now, in the foreground (for cron and operators)."

    def handle(self, *args, **options):
        sent = reminders_sweep()
        fired = fire_due_timers()
        for kind, label in Reminder.Kind.choices:
            self.stdout.write(f"{kind:<12} {sent.get(kind, 0):>5}  {label}")
        self.stdout.write(_("Sent %(total)d reminder(s); fired %(timers)d timer(s).")
                          % {"total": sum(sent.values()), "timers": fired})
