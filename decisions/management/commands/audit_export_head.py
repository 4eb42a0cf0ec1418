from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from decisions.audit.digest import ChainBroken, audit_head_export

from .audit_verify import broken_message


class Command(BaseCommand):
    help = ("Verify the audit chain, then write its head digest (sequence and SHA-256 of the last "
            "event) to a text file an office can print, seal and hand to a higher authority.")

    def add_arguments(self, parser):
        parser.add_argument("--out", metavar="FILE", type=Path,
                            help="Where to write it (default: JUECE_AUDIT_DIGEST_DIR/"
                                 "audit-head-YYYY-MM-DD.txt).")

    def handle(self, *args, out=None, **options):
        try:
            digest, path = audit_head_export(via="manage.py audit_export_head", out=out)
        except ChainBroken as error:
            raise CommandError(f"No digest exported. {broken_message(error.report)}",
                               returncode=1) from error
        self.stdout.write(f"Audit chain head #{digest.sequence} sha256={digest.sha256} "
                          f"({digest.events} events) written to {path}")
