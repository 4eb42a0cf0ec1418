"""Draft attachments: recognised by their content, named safely, stored once, and the dossier
that carries them streamed.

The files are real small files of each kind, made here: images by Pillow, a PDF by fpdf2, OOXML
and OFD packages and OLE2 compound files (old Office and WPS) written to their formats.
"""

import hashlib
import io
import os
import struct
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from fpdf import FPDF
from PIL import Image

from decisions.models import Decision, DraftAttachment
from decisions.records.drafts import draft_version_create
from decisions.records.uploads import safe_file_name, upload_checked
from workflows.flows import DecisionFlow

from .factories import Journey
from .http_client import Office, _errors, logged_in, proposal_form, start_url

# Real small files ---------------------------------------------------------------------------

def image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, kind)
    return buffer.getvalue()


def pdf() -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Notice on the market renovation")
    return bytes(document.output())


def package(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxml'
                 'formats.org/package/2006/content-types"><Default Extension="xml" '
                 'ContentType="application/xml"/></Types>')


def ooxml(main_part: str) -> bytes:
    return package({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": "<Relationships/>",
                    main_part: "<document/>"})


def ofd() -> bytes:
    """GB/T 33190: OFD.xml at the root names the document."""
    return package({"OFD.xml": '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0">'
                               "<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
                               "</ofd:DocBody></ofd:OFD>",
                    "Doc_0/Document.xml": "<ofd:Document/>"})


def ole(stream_name: str) -> bytes:
    """An OLE2 compound file (version 3, 512-byte sectors) holding one 4 KiB stream, as Word
    (WordDocument), Excel (Workbook) and PowerPoint (PowerPoint Document) write theirs."""
    free, end, fat_sector, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    fat = [fat_sector, end] + [n + 1 for n in range(2, 9)] + [end]
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat) + struct.pack("<I", free) * (128 - len(fat))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", no_stream, no_stream, child) + bytes(16) + bytes(4)
                + bytes(16) + struct.pack("<III", start, size, 0))

    directory = (entry("Root Entry", 5, 1, end, 0) + entry(stream_name, 2, no_stream, 2, 4096)
                 + bytes(256))
    return header + fat_bytes + directory + b"\x11" * 4096


TEXT = "第一条 为改善集镇农贸市场经营环境，制定本方案。\r\n第二条 改造范围为集镇农贸市场。\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48) + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"

ACCEPTED = [
    ("通知.pdf", pdf), ("通知.ofd", ofd),
    ("方案.doc", lambda: ole("WordDocument")), ("方案.wps", lambda: ole("WordDocument")),
    ("测算.xls", lambda: ole("Workbook")), ("测算.et", lambda: ole("Workbook")),
    ("汇报.ppt", lambda: ole("PowerPoint Document")),
    ("汇报.dps", lambda: ole("PowerPoint Document")),
    ("方案.docx", lambda: ooxml("word/document.xml")),
    ("测算.xlsx", lambda: ooxml("xl/workbook.xml")),
    ("汇报.pptx", lambda: ooxml("ppt/presentation.xml")),
    ("现场.png", lambda: image("PNG")), ("现场.jpg", lambda: image("JPEG")),
    ("现场.JPEG", lambda: image("JPEG")), ("现场.gif", lambda: image("GIF")),
    ("现场.webp", lambda: image("WEBP")), ("扫描件.tif", lambda: image("TIFF")),
    ("扫描件.tiff", lambda: image("TIFF")),
    ("说明.txt", lambda: TEXT.encode("utf-8")),
    ("说明-bom.txt", lambda: b"\xef\xbb\xbf" + TEXT.encode("utf-8")),
    ("说明-gbk.txt", lambda: TEXT.encode("gb18030")),
    ("测算.csv", lambda: "项目,金额\n收运车辆,120000\n".encode()),
    ("材料.zip", lambda: package({"a.txt": "x", "b.pdf": "%PDF-1.4"})),
]

REFUSED = [
    ("setup.exe", lambda: EXE, "不是可接受的文件类型"),
    ("通知.pdf", lambda: EXE, "与文件名不符"),           # a program renamed
    ("方案.docx", lambda: EXE, "与文件名不符"),
    ("说明.txt", lambda: EXE, "与文件名不符"),
    ("page.html", lambda: HTML, "不是可接受的文件类型"),
    ("通知.pdf", lambda: HTML, "与文件名不符"),           # a web page renamed
    ("现场.png", lambda: HTML, "与文件名不符"),
    ("script.js", lambda: b"alert(1)", "不是可接受的文件类型"),
    ("无扩展名", lambda: TEXT.encode(), "不是可接受的文件类型"),
    ("通知.pdf", lambda: image("PNG"), "与文件名不符"),     # the wrong kind of good file
    ("现场.jpg", lambda: image("GIF"), "与文件名不符"),
    ("测算.xlsx", lambda: ooxml("word/document.xml"), "与文件名不符"),
    ("方案.docx", lambda: package({"a.txt": "x"}), "与文件名不符"),  # a ZIP, not a document
    ("方案.doc", lambda: ole("Workbook"), "与文件名不符"),
    ("installer.doc", lambda: ole("SummaryInformation"), "与文件名不符"),  # an MSI-like OLE
    ("通知.ofd", lambda: package({"Doc_0/Document.xml": "<x/>"}), "与文件名不符"),
    ("材料.zip", lambda: b"PK\x03\x04 not a zip at all", "与文件名不符"),
    ("说明.txt", lambda: b"text with a NUL\x00 inside", "与文件名不符"),
    ("说明.txt", lambda: b"\x1b[31mterminal escape\x1b[0m", "与文件名不符"),
    ("说明.txt", lambda: b"\xff\xfe\xfd invalid in UTF-8 and GB18030", "与文件名不符"),
]


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# Recognised by content -----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "make"), ACCEPTED, ids=[n for n, _m in ACCEPTED])
def test_each_allowed_kind_is_accepted_under_its_own_extension(name, make):
    assert upload_checked(upload(name, make())) == name


@pytest.mark.parametrize(("name", "make", "says"), REFUSED,
                         ids=[f"{n}-{i}" for i, (n, _m, _s) in enumerate(REFUSED)])
def test_anything_else_is_refused_naming_the_file_and_the_allowed_types(name, make, says):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        upload_checked(upload(name, make()))
    (message,) = refused.value.message_dict["attachments"]
    assert name in message and says in message
    assert "pdf, ofd, doc" in message and "zip" in message


@pytest.mark.parametrize(("sent", "kept"), [
    ("../../etc/cron.d/通知.txt", "通知.txt"),
    ("C:\\Users\\王建国\\Desktop\\方案.docx", "方案.docx"),
    (".htaccess.txt", "htaccess.txt"),
    ("...", ""),
    ("报告\u202etxt.exe", "报告txt.exe"),           # right-to-left override: exe shown as txt
    ("报\x00告\r\n\t.pdf", "报告.pdf"),
    ('a<b>c:d"e|f?g*.pdf', "a_b_c_d_e_f_g_.pdf"),
    ("  空格.pdf  ", "空格.pdf"),
    ("长" * 300 + ".pdf", "长" * 116 + ".pdf"),
])
def test_a_name_is_made_safe_and_kept(sent, kept):
    assert safe_file_name(sent) == kept


def test_a_path_sent_as_the_name_is_cut_to_its_last_part_before_the_check():
    assert upload_checked(upload("../../../var/www/现场.png", image("PNG"))) == "现场.png"


# Through the page and its download ----------------------------------------------------------

@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_page_refuses_a_renamed_program_beside_the_field_and_keeps_nothing(people, media):
    client = logged_in(people["drafter"])
    response = client.post(start_url(), {**proposal_form(), "attachments": [
        upload("现场.jpg", image("JPEG")), upload("会议纪要.pdf", EXE)]},
        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200, _errors(response)
    page = response.content.decode()
    assert "“会议纪要.pdf”的内容与文件名不符" in page
    assert not Decision.objects.exists() and not DraftAttachment.objects.exists()
    assert not media.exists() or not stored_files(media)


def test_a_kept_name_is_shown_and_downloaded_under_rfc_5987(people, media):
    client = logged_in(people["drafter"])
    response = client.post(start_url(), {**proposal_form(), "attachments": [
        upload("..\\..\\决策\"草案\" 说明.txt", TEXT.encode())]})
    assert response.status_code == 302, _errors(response)
    decision = Decision.objects.get()
    (attachment,) = decision.current_version.attachments.all()
    assert attachment.name == "决策_草案_ 说明.txt"
    download = client.get(DecisionFlow.instance.reverse(
        "attachment", args=[decision.process_id, attachment.pk]))
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert ("filename*=UTF-8''%E5%86%B3%E7%AD%96_%E8%8D%89%E6%A1%88_%20%E8%AF%B4%E6%98%8E.txt"
            in disposition)
    assert b"".join(download.streaming_content) == TEXT.encode()


# Stored once --------------------------------------------------------------------------------

def stored_files(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file())


def test_three_versions_carrying_the_same_file_keep_one_file_on_disk(people, media):
    content = pdf()
    decision = Journey(people).decision
    for number, name in enumerate(("资金测算.pdf", "资金测算.pdf", "资金测算（定稿）.pdf"), 2):
        draft_version_create(decision=decision, text=f"第{number}稿", acting_user=people["drafter"],
                             attachments=[upload(name, content)])
    decision.refresh_from_db()
    attachments = DraftAttachment.objects.filter(version__decision=decision)
    assert attachments.count() == 4  # v2, v3 (replacing by name) and v4 (a new name, v3's kept)
    digest = hashlib.sha256(content).hexdigest()
    (stored,) = stored_files(media)
    assert stored.read_bytes() == content
    assert stored.relative_to(media).as_posix() == f"attachments/sha256/{digest[:2]}/{digest}"
    assert {a.file.name for a in attachments} == {stored.relative_to(media).as_posix()}


def test_an_attachment_stored_before_content_addressing_stays_readable(people, media):
    """Rows written before kept their own paths (the record is immutable): a new version
    carries the old path, and a download reads it."""
    decision = Journey(people).decision
    old_path = media / "attachments" / "2025" / "11" / "旧测算表.csv"
    old_path.parent.mkdir(parents=True)
    old_path.write_bytes(b"a,b\n1,2\n")
    version = decision.current_version
    DraftAttachment.objects.create(version=version, file="attachments/2025/11/旧测算表.csv",
                                   name="旧测算表.csv", size=8,
                                   sha256=hashlib.sha256(b"a,b\n1,2\n").hexdigest(),
                                   uploaded_by=people["drafter"])
    new = draft_version_create(decision=decision, text="第二稿", acting_user=people["drafter"])
    (carried,) = new.attachments.all()
    assert carried.file.name == "attachments/2025/11/旧测算表.csv"
    with carried.file.open("rb") as handle:
        assert handle.read() == b"a,b\n1,2\n"


# The dossier streams -------------------------------------------------------------------------

def test_the_dossier_of_many_large_attachments_streams_without_holding_them(people, media):
    """Eight 3 MiB attachments (random, so not compressible) in two versions: the download's
    peak of allocated memory grows by less than a quarter of their 24 MiB over the same
    dossier's without them (whose peak is the summary PDF's CJK font)."""
    office = Office(people)
    office.propose()
    decision = office.decision
    client = office.client("auditor")  # the dossier is the auditors' and the office's
    url = DecisionFlow.instance.reverse("dossier", args=[decision.process_id])
    baseline, _received = peak_of_download(client, url)

    size, total = 3 * 1024 * 1024, 0
    for batch in range(2):
        files = [upload(f"扫描件-{batch}-{n}.zip", _large_zip(size)) for n in range(4)]
        total += sum(f.size for f in files)
        draft_version_create(decision=decision, text=f"第{batch + 2}稿",
                             acting_user=people["drafter"], attachments=files)
        del files
    assert total >= 24 * 1024 * 1024

    peak, received = peak_of_download(client, url)
    assert received > total
    assert peak - baseline < total / 4, f"peak {peak} bytes ({baseline} without attachments) " \
                                        f"for {total} bytes of attachments"


def peak_of_download(client, url) -> tuple[int, int]:
    """The peak of memory allocated while the dossier is built and its response read through,
    and the bytes read."""
    tracemalloc.start()
    try:
        response = client.get(url)
        assert response.status_code == 200 and response.streaming
        assert "no-store" in response["Cache-Control"]
        received = 0
        for chunk in response.streaming_content:
            received += len(chunk)
        return tracemalloc.get_traced_memory()[1], received
    finally:
        tracemalloc.stop()


def _large_zip(size: int) -> bytes:
    """A ZIP holding ``size`` random bytes, stored: a scanned file's archive, incompressible."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("scan.bin", os.urandom(size))
    return buffer.getvalue()
