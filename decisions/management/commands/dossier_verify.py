import sys

from django.core.management.base import BaseCommand

from decisions.dossier.check import check_dossier


class Command(BaseCommand):
    help = ("Check a decision's dossier (ZIP) offline: manifest seal, every file's SHA-256, "
            "draft version seals and the events' hash chain. Needs no database.")
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="the dossier, a ZIP file")

    def handle(self, *args, file, **options):
        report = check_dossier(file)
        if report.ok:
            self.stdout.write(self.style.SUCCESS(report.summary()))
            return
        for problem in report.problems:
            self.stdout.write(self.style.ERROR(f"FAIL: {problem}"))
        self.stdout.write(f"{len(report.problems)} problem(s) in {file}")
        sys.exit(1)
