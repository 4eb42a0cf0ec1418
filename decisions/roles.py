"""The role groups and the few role-wide (not stage) permissions they carry."""

from django.contrib.auth.models import Group, Permission

from .rulebook import Role

#: Role-wide grants. Stage permissions are never here: they are granted per decision.
ROLE_PERMISSIONS = {
    Role.DRAFTER: ["add_decision"],
    Role.OFFICE: ["manage_catalogue"],
    Role.AUDITOR: ["view_decision", "view_auditevent"],
}


def ensure_roles(**kwargs) -> None:
    """Create every role group and its role-wide permissions (idempotent; runs after migrate)."""
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        codenames = ROLE_PERMISSIONS.get(role, [])
        if codenames:
            perms = Permission.objects.filter(content_type__app_label="decisions",
                                              codename__in=codenames)
            group.permissions.add(*perms)
