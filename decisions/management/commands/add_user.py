"""Provision a user in one role group, for the API's client systems and for people alike."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from decisions.models import Profile
from decisions.roles import ensure_roles
from decisions.rulebook import Role


class Command(BaseCommand):
    help = ("Create or update a user in one role group (drafter, office, reviewer, expert, "
            "risk_assessor, member, secretary, head, auditor). Updating resets the password, "
            "the e-mail and the role, and the name and the unit when given.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default=None,
                            help="The person's name as written, family name first (王建国).")
        parser.add_argument("--unit", default=None,
                            help="The unit the person works in, written as a decision's lead "
                                 "unit is (农业服务中心): no one of a decision's lead unit is "
                                 "named its reviewer, expert or risk assessor (Art. 20).")

    @transaction.atomic
    def handle(self, *args, username, role, password, email, name, unit=None, **options):
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}. Valid roles: {', '.join(Role.values)}.")
        ensure_roles()
        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username)
        created = user.pk is None
        user.email = email
        if name is not None:
            user.last_name, user.first_name = name.strip(), ""
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("The password is refused: " + " ".join(error.messages)) from None
        user.is_active = True
        user.set_password(password)
        user.save()
        role_groups = Group.objects.filter(name__in=Role.values)
        user.groups.remove(*role_groups)
        user.groups.add(role_groups.get(name=role))
        if unit is not None:
            Profile.objects.update_or_create(user=user, defaults={"unit": unit.strip()})
        verb = "Created" if created else "Updated"
        of_unit = f" of the unit {unit.strip()}" if unit and unit.strip() else ""
        self.stdout.write(self.style.SUCCESS(f"{verb} {username} with the role {role}{of_unit}."))
