"""The PDFs' fonts (decisions/documents/fonts.py): names with rare characters printed and read
back, a character no font has refused by name, the fallback used where the main font lacks one,
and the packaged default being Noto's own files under the OFL."""

import hashlib
import io
import re
from importlib import metadata
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from decisions.documents import fonts
from decisions.documents.fonts import SANS, SERIF, CJKDocument, UndrawableCharacter

#: 䶮 (CJK Extension A), 𫖯 (Extension C), 𬭚 (Extension E): in names people bear.
NAMES = ("刘䶮", "王𫖯", "李𬭚", "张明")


def printed(*lines: str, family: str = SERIF) -> bytes:
    pdf = CJKDocument()
    pdf.add_page()
    pdf.set_font(family, size=14)
    for line in lines:
        pdf.multi_cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def read_back(pdf: bytes) -> str:
    """The text pypdf extracts, without the spaces and line breaks of the layout."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", "", text)


def font_names(pdf: bytes) -> list[str]:
    """The fonts the PDF's first page uses, each by its name."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return sorted(str(font.get_object()["/BaseFont"]).lstrip("/")
                  for font in page["/Resources"]["/Font"].values())


@pytest.fixture
def packaged_only(monkeypatch, tmp_path, settings):
    """No Debian font and no extra fallback: the embedded default of a clean `pip install`."""
    settings.JUECE_PDF_FONT = ""
    settings.JUECE_PDF_FALLBACK_FONTS = []
    monkeypatch.setattr(fonts, "DEBIAN_NOTO", tmp_path / "no-debian-fonts")
    monkeypatch.setattr(fonts, "EXTRA_FALLBACKS", ())


@pytest.mark.parametrize("family", [SERIF, SANS])
def test_rare_characters_of_names_are_printed_and_read_back(family):
    pdf = printed("审查人：" + "、".join(NAMES), family=family)
    assert "审查人：刘䶮、王𫖯、李𬭚、张明" in read_back(pdf)
    assert b"/FontFile2" in pdf and b"/Identity-H" in pdf  # TrueType, the common encoding


def test_the_packaged_default_prints_them_without_any_system_font(packaged_only):
    faces = fonts.typefaces()
    assert faces.serif.path.name == "NotoSerifSC-Regular.otf"
    assert faces.sans.path.name == "NotoSansSC-Regular.otf"
    pdf = printed(*NAMES)
    assert "".join(NAMES) in read_back(pdf)
    assert font_names(pdf) == ["MPDFAA+NotoSerifSC"]


@pytest.mark.skipif(not (fonts.DEBIAN_NOTO / "NotoSerifCJK-Regular.ttc").is_file(),
                    reason="Debian's fonts-noto-cjk is not installed")
def test_debians_noto_cjk_is_preferred_where_installed(settings):
    settings.JUECE_PDF_FONT = ""
    faces = fonts.typefaces()
    assert faces.serif == fonts.FontFile(fonts.DEBIAN_NOTO / "NotoSerifCJK-Regular.ttc", 2)
    assert faces.sans == fonts.FontFile(fonts.DEBIAN_NOTO / "NotoSansCJK-Regular.ttc", 2)
    assert font_names(printed("刘䶮")) == ["MPDFAA+NotoSerifCJKSC"]


def test_a_character_no_font_has_is_an_error_naming_it(packaged_only):
    with pytest.raises(UndrawableCharacter) as refused:
        printed("审查人：张\ue000明")
    assert refused.value.char == "\ue000"
    assert refused.value.code_point == "U+E000"
    assert "U+E000" in str(refused.value) and "\ue000" in str(refused.value)


def test_the_error_is_raised_whatever_draws_the_text(packaged_only):
    pdf = CJKDocument()
    pdf.add_page()
    pdf.set_font(SERIF, size=12)
    for draw in (lambda: pdf.cell(0, 8, "\U000f0000"), lambda: pdf.write(8, "a\ue123"),
                 lambda: pdf.get_string_width("\ue456")):
        with pytest.raises(UndrawableCharacter):
            draw()


@pytest.fixture
def font_without_rare_characters(tmp_path, packaged_only, settings):
    """A main font (the packaged serif cut down to a few characters) that lacks 䶮, 𫖯, 𬭚."""
    source = fonts.packaged_fonts()["NotoSerifSC-Regular.otf"].path
    ttfont = TTFont(source)
    options = ftsubset.Options()
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in "刘王李张明审查人：、 "])
    subsetter.subset(ttfont)
    path = tmp_path / "small.otf"
    ttfont.save(path)
    for char in "䶮𫖯𬭚":
        assert ord(char) not in fonts.coverage(fonts.FontFile(path))
    settings.JUECE_PDF_FONT = str(path)
    return path


def test_a_fallback_draws_what_the_main_font_lacks(font_without_rare_characters):
    pdf = printed("审查人：" + "、".join(NAMES))
    assert "审查人：刘䶮、王𫖯、李𬭚、张明" in read_back(pdf)
    assert len(font_names(pdf)) == 2, font_names(pdf)  # the small main font and a fallback


def test_a_fallback_is_embedded_only_where_the_text_needs_it(font_without_rare_characters):
    assert len(font_names(printed("审查人：张明"))) == 1


def test_a_configured_fallback_comes_first(font_without_rare_characters, settings):
    sans = fonts.packaged_fonts()["NotoSansSC-Regular.otf"]
    settings.JUECE_PDF_FALLBACK_FONTS = [str(sans)]
    assert fonts.typefaces().fallbacks[0] == sans
    pdf = printed("刘䶮")
    assert "刘䶮" in read_back(pdf)
    assert "MPDFAA+NotoSansSC" in font_names(pdf)


def test_a_configured_font_that_is_not_there_is_refused(settings, tmp_path):
    settings.JUECE_PDF_FONT = str(tmp_path / "missing.ttf")
    with pytest.raises(ImproperlyConfigured, match="JUECE_PDF_FONT"):
        fonts.typefaces()
    settings.JUECE_PDF_FONT = ""
    settings.JUECE_PDF_FALLBACK_FONTS = [f"{tmp_path / 'missing.ttc'}#2"]
    with pytest.raises(ImproperlyConfigured, match="JUECE_PDF_FALLBACK_FONTS"):
        fonts.typefaces()


def test_no_font_at_all_is_a_clear_configuration_error(packaged_only, monkeypatch):
    monkeypatch.setattr(fonts, "packaged_fonts", dict)
    with pytest.raises(ImproperlyConfigured, match="No CJK font"):
        fonts.typefaces()


def test_the_packaged_fonts_are_notos_own_files_under_the_ofl():
    packaged = fonts.packaged_fonts()
    assert set(packaged) == set(fonts.PACKAGED_SHA256)
    for name, font in packaged.items():
        assert hashlib.sha256(font.path.read_bytes()).hexdigest() == fonts.PACKAGED_SHA256[name]
        naming = TTFont(font.path, lazy=True)["name"]
        assert naming.getDebugName(1) in ("Noto Serif SC", "Noto Sans SC")
        assert "SIL Open Font License" in naming.getDebugName(13)
    distribution = metadata.distribution("pylopdf-fonts-zh-cn")
    licence = next(f for f in distribution.files if Path(str(f)).name == "LICENSE")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence.read_text()


def test_the_dossier_summary_is_set_with_the_same_fonts():
    from decisions.dossier.pdf import SummaryDocument

    assert issubclass(SummaryDocument, CJKDocument)
