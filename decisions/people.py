"""How a person's name is written: family name first, with no space between the parts, as
Chinese names are written (王建国, not 建国 王).

Django's ``get_full_name`` puts the first (given) name before the last (family) name with a
space; every page, form, PDF and message names people through ``display_name`` instead. A name
kept whole in ``last_name`` (as ``add_user --name`` and the demo logins store it) reads as it is.
"""

import re

_LATIN = re.compile(r"^[\sA-Za-z\u00c0-\u024f.'-]*$")


def display_name(user) -> str:
    """The user's name as people write it, or the login name when none is recorded."""
    if user is None:
        return ""
    family = (getattr(user, "last_name", "") or "").strip()
    given = (getattr(user, "first_name", "") or "").strip()
    if family and given and _LATIN.match(family + given):
        return f"{given} {family}"
    return f"{family}{given}" or user.get_username()


def signs_as(user, signature: str) -> bool:
    """Whether ``signature`` is the user's own name as registered (or his login name): a signed
    opinion (Arts. 19, 28) is signed by the person who gives it."""
    names = {user.get_username().strip(), user.get_full_name().strip(), display_name(user)}
    return (signature or "").strip() in {name for name in names if name}
