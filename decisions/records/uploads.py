"""What a draft may carry: files a government office exchanges, recognised by their content.

The extension a browser sends is a claim, not a fact: a renamed program or web page must not be
filed as a 'document' that a colleague later opens. Each upload's first bytes (and, for the
container formats, the parts inside) must be those of one of the allowed kinds, and its extension
one that kind uses. Pure Python: no libmagic.
"""

import codecs
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: How long a kept file name may be, in characters (the record's column holds 255).
NAME_MAX_CHARS = 120
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Kind:
    label: str
    extensions: tuple[str, ...]


PDF = Kind("PDF", ("pdf",))
OFD = Kind("OFD", ("ofd",))
WORD = Kind("Word", ("doc", "wps"))
EXCEL = Kind("Excel", ("xls", "et"))
POWERPOINT = Kind("PowerPoint", ("ppt", "dps"))
DOCX = Kind("Word (OOXML)", ("docx", "wps"))
XLSX = Kind("Excel (OOXML)", ("xlsx", "et"))
PPTX = Kind("PowerPoint (OOXML)", ("pptx", "dps"))
PNG = Kind("PNG", ("png",))
JPEG = Kind("JPEG", ("jpg", "jpeg"))
GIF = Kind("GIF", ("gif",))
WEBP = Kind("WebP", ("webp",))
TIFF = Kind("TIFF", ("tif", "tiff"))
TEXT = Kind("text", ("txt", "csv"))
ZIP = Kind("ZIP", ("zip",))

KINDS = (PDF, OFD, WORD, EXCEL, POWERPOINT, DOCX, XLSX, PPTX, PNG, JPEG, GIF, WEBP, TIFF,
         TEXT, ZIP)
ALLOWED_EXTENSIONS = tuple(dict.fromkeys(ext for kind in KINDS for ext in kind.extensions))

#: Old Office and WPS files are OLE2 compound files; the stream each application writes names
#: the kind (its directory entry, in UTF-16LE).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_STREAMS = ((WORD, ("WordDocument",)), (EXCEL, ("Workbook", "Book")),
               (POWERPOINT, ("PowerPoint Document",)))
#: A ZIP is an OOXML document or an OFD (GB/T 33190) when it holds that format's main part.
ZIP_PARTS = ((DOCX, "word/document.xml"), (XLSX, "xl/workbook.xml"),
             (PPTX, "ppt/presentation.xml"), (OFD, "OFD.xml"))
IMAGE_MAGIC = ((PNG, (b"\x89PNG\r\n\x1a\n",)), (JPEG, (b"\xff\xd8\xff",)),
               (GIF, (b"GIF87a", b"GIF89a")), (TIFF, (b"II*\x00", b"MM\x00*")))
TEXT_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def allowed_types_text() -> str:
    return ", ".join(ALLOWED_EXTENSIONS)


def safe_file_name(name: str) -> str:
    """The name kept for display and download: its last path part, without control or
    direction characters, leading dots or characters Windows refuses, and not too long."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    name = re.sub(r'[<>:"|?*]', "_", name).strip().lstrip(".").strip()
    stem, ext = os.path.splitext(name)
    if len(name) > NAME_MAX_CHARS:
        ext = ext[:16]
        name = stem[:NAME_MAX_CHARS - len(ext)].rstrip() + ext
    return name


def extension(name: str) -> str:
    return os.path.splitext(name)[1].lstrip(".").lower()


def content_kinds(upload) -> set[Kind]:
    """Every allowed kind the content is (a .docx is also a ZIP); empty when none."""
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    try:
        if head.startswith(OLE_MAGIC):
            return _ole_kinds(upload)
        if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            return _zip_kinds(upload)
        for kind, signatures in IMAGE_MAGIC:
            if head.startswith(signatures):
                return {kind}
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return {WEBP}
        kinds = {PDF} if b"%PDF-" in head else set()
        return kinds | ({TEXT} if _is_text(upload) else set())
    finally:
        upload.seek(0)


def _chunks(upload):
    upload.seek(0)
    while chunk := upload.read(CHUNK):
        yield chunk


def _ole_kinds(upload) -> set[Kind]:
    wanted = {kind: [s.encode("utf-16-le") for s in streams] for kind, streams in OLE_STREAMS}
    found, tail = set(), b""
    for chunk in _chunks(upload):
        window = tail + chunk
        found |= {kind for kind, names in wanted.items() if any(n in window for n in names)}
        tail = window[-64:]
    return found


def _zip_kinds(upload) -> set[Kind]:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return set()
    return {ZIP} | {kind for kind, part in ZIP_PARTS if part in names}


def _is_text(upload) -> bool:
    """UTF-8 (with or without its mark) or GB18030, and no control characters but the ones
    text uses (tab, line ends, form feed)."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for chunk in _chunks(upload):
                if TEXT_CONTROLS.search(chunk):
                    return False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return True
    return False


def upload_checked(upload) -> str:
    """The upload's safe name, once its content is one of the allowed kinds and its extension
    one that kind uses; otherwise a ValidationError naming the file and the allowed types."""
    name = safe_file_name(upload.name)
    ext = extension(name)
    if not name or not ext or ext not in ALLOWED_EXTENSIONS:
        raise ValidationError({"attachments": [
            _("“%(name)s” is not an accepted type of file. Accepted: %(types)s.")
            % {"name": name or upload.name, "types": allowed_types_text()}]})
    kinds = content_kinds(upload)
    if not any(ext in kind.extensions for kind in kinds):
        raise ValidationError({"attachments": [
            _("“%(name)s” is not what its name says: its content is not that of a .%(ext)s "
              "file. Accepted: %(types)s.")
            % {"name": name, "ext": ext, "types": allowed_types_text()}]})
    return name
