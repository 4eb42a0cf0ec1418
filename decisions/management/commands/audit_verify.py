from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from decisions.audit import ChainReport, verify_chain
from decisions.audit.digest import DigestFormatError, HeadDigest, verify_against


class Command(BaseCommand):
    help = ("Walk the audit hash chain (streaming, in bounded memory); exit 1 naming the first "
            "altered, removed, inserted or reordered event.")

    def add_arguments(self, parser):
        parser.add_argument("--against", metavar="DIGEST_FILE", type=Path,
                            help="Also prove that the event sealed by this exported head digest "
                                 "(audit_export_head) and every event before it are unchanged.")

    def handle(self, *args, against=None, **options):
        if against is None:
            report = verify_chain()
        else:
            try:
                digest = HeadDigest.parse(against.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, DigestFormatError) as error:
                raise CommandError(f"Cannot read the digest {against}: {error}") from error
            report = verify_against(digest)
        if not report.ok:
            raise CommandError(broken_message(report), returncode=1)
        self.stdout.write(f"Audit chain intact: {report.events} events, "
                          f"head #{report.head_sequence} sha256={report.head_hash}")
        if against is not None:
            self.stdout.write(f"Matches the digest {against.name}: event #{digest.sequence} "
                              f"sha256={digest.sha256}")


def broken_message(report: ChainReport) -> str:
    where = f"#{report.first_bad_sequence}" if report.first_bad_sequence is not None else "?"
    return f"Audit chain BROKEN at event {where} (id {report.first_bad}): {report.reason}"
