"""One machine with no environment, as `bin/start` runs it: SQLite, no other server, debug off
unless asked for (``DJANGO_DEBUG=1``, which `bin/start --debug` sets). Without
``DJANGO_SECRET_KEY`` the secret key is made once and kept in a git-ignored file."""

import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, SECRET_KEY, env_bool

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY_FILE = Path(os.environ.get("JUECE_SECRET_KEY_FILE", BASE_DIR / ".secret-key"))


def secret_key_from_file(path: Path) -> str:
    """The key kept in ``path``, made on first use, readable by its owner only. Written whole
    to a temporary file and linked into place, so that two processes starting at once agree."""
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-key-")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(50) + "\n")
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"{path} holds no usable secret key: delete it to make one")
    return key


SECRET_KEY = SECRET_KEY or secret_key_from_file(SECRET_KEY_FILE)
