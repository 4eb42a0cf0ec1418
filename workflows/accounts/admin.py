"""The admin shows no API token. knox's admin lists digests only, but its add form prints the
new token to the superuser; tokens end with logout, logout-all, a password or a role change."""

from django.contrib import admin
from knox.models import AuthToken


def unregister_token_admin() -> None:
    if admin.site.is_registered(AuthToken):
        admin.site.unregister(AuthToken)
