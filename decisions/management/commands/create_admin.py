"""The first administrator of a database started without the demo (`bin/start --no-demo`): a
password the operator chooses, or one made here and shown this once. Never a published one."""

import getpass
import secrets
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from decisions.audit import audit_record


class Command(BaseCommand):
    help = ("Create the first administrator (a superuser, for the admin at /admin/). The password "
            "is read from --password-file, asked for at a terminal, or else made here and printed "
            "once. Django's password validators apply.")

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-file", type=Path, default=None,
                            help="A file whose first line is the password ('-': standard input).")
        parser.add_argument("--if-none", action="store_true",
                            help="Do nothing when an active administrator exists already "
                                 "(bin/start --no-demo runs it on every start).")
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive",
                            help="Never ask: without --password-file, make a password.")

    def handle(self, *args, username, email, password_file, if_none, interactive, **options):
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True, is_active=True).first()
        if if_none and existing is not None:
            self.stdout.write(f"An administrator exists already ({existing.get_username()}): "
                              "none created.")
            return
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user {username!r} exists already; to set a new password: "
                               f"python manage.py changepassword {username}")
        password, made_here = self.password(password_file, interactive and sys.stdin.isatty())
        try:
            validate_password(password, User(username=username, email=email))
        except ValidationError as error:
            raise CommandError("The password is refused: " + " ".join(error.messages)) from error
        with transaction.atomic():
            user = User.objects.create_superuser(username=username, email=email,
                                                 password=password)
            audit_record(action="administrator_create", actor=None,
                         after={"username": username, "email": email, "superuser": True,
                                "by": "manage.py create_admin"})
        self.stdout.write(self.style.SUCCESS(
            f"Created the administrator {user.get_username()} (the admin is at /admin/)."))
        if made_here:
            self.stdout.write(f"Its password, shown this once: {password}")
            self.stdout.write("Keep it somewhere safe, or change it at once: "
                              f"python manage.py changepassword {username}")

    def password(self, password_file: Path | None, at_terminal: bool) -> tuple[str, bool]:
        """The password and whether it was made here."""
        if password_file is not None:
            try:
                text = (sys.stdin.read() if str(password_file) == "-"
                        else password_file.read_text(encoding="utf-8"))
            except OSError as error:
                raise CommandError(f"Cannot read the password file: {error}") from error
            lines = text.splitlines()
            if not lines or not lines[0]:
                raise CommandError("The password file is empty.")
            return lines[0], False
        if at_terminal:
            chosen = getpass.getpass("Password for the administrator (empty: make one): ")
            if chosen:
                if getpass.getpass("The same password again: ") != chosen:
                    raise CommandError("The two passwords differ.")
                return chosen, False
        return secrets.token_urlsafe(12), True
