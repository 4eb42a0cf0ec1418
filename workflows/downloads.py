"""How a download names its file: the name kept with the attachment, safe in any browser."""

import unicodedata
from urllib.parse import quote


def attachment_disposition(name: str) -> str:
    """``Content-Disposition`` with an ASCII fallback and the real name as RFC 5987's
    ``filename*`` (UTF-8, percent-encoded), so no quote or line break of a name can break the
    header."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                       for c in unicodedata.normalize("NFKD", name)
                       if not unicodedata.combining(c)) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
