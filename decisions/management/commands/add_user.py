"""Provision a user in one role group, for the API's client systems and for people alike."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from decisions.roles import ensure_roles
from decisions.rulebook import Role


class Command(BaseCommand):
    help = ("Create or update a user in one role group (drafter, office, reviewer, expert, "
            "risk_assessor, member, secretary, head, auditor). Updating resets the password, "
            "the e-mail and the role, and the name when --name is given.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default=None,
                            help="The person's name as written, family name first (王建国).")

    @transaction.atomic
    def handle(self, *args, username, role, password, email, name, **options):
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}. Valid roles: {', '.join(Role.values)}.")
        ensure_roles()
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username)
        user.email = email
        if name is not None:
            user.last_name, user.first_name = name.strip(), ""
        user.is_active = True
        user.set_password(password)
        user.save()
        role_groups = Group.objects.filter(name__in=Role.values)
        user.groups.remove(*role_groups)
        user.groups.add(role_groups.get(name=role))
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {username} with the role {role}."))
