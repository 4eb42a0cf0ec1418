"""The fonts of every PDF the application prints, chosen here and nowhere else.

Chinese is set in Noto Serif CJK SC (the body, as 宋体) and Noto Sans CJK SC (headings, as 黑体),
Adobe's and Google's fonts under the SIL Open Font License 1.1, embedded (subset) in each PDF so
that it prints the same on any machine. Each comes from the first of these that is there:

1. ``settings.JUECE_PDF_FONT`` (``path`` or ``path#index`` in a collection): one font for both;
2. Debian's ``fonts-noto-cjk`` (``Noto{Serif,Sans}CJK-Regular.ttc``, index 2: Simplified Chinese);
3. the PyPI package ``pylopdf-fonts-zh-cn``, a dependency: ``NotoSerifSC-Regular.otf`` and
   ``NotoSansSC-Regular.otf`` of notofonts/noto-cjk (``*/SubsetOTF/SC``), unmodified
   (``PACKAGED_SHA256``; tests/test_pdf_fonts.py checks them), with the OFL beside them.

A character the main font lacks is drawn by the first fallback that has it:
``settings.JUECE_PDF_FALLBACK_FONTS``, then every other font above that is present, then
Debian's ``fonts-hanazono`` (CJK Extensions B to F) and DejaVu Sans where installed. A fallback
is embedded only in a document that needs it. A character that no font can draw is
``UndrawableCharacter``, naming it and its code point: fpdf2 itself would log a warning and leave
it out, so that 刘䶮 would print as 刘.

Noto CJK's outlines are CFF; fpdf2 embeds such a font with an encoding of its own that text
extractors (pypdf among them) misread. So each document's subset is turned into TrueType outlines
before it is written (``TrueTypeFonts``): the PDF then carries the Identity-H encoding and
TrueType fonts that every reader, printer and archive tool handles.
"""

import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from fontTools import subset as ftsubset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from fpdf import FPDF
from fpdf.fonts import TTFFont
from fpdf.output import OutputProducer

DEBIAN_NOTO = Path("/usr/share/fonts/opentype/noto")
#: In Debian's collections, the face of Simplified Chinese.
DEBIAN_SC_INDEX = 2
PACKAGE = "pylopdf_fonts_zh_cn"
#: The packaged files are notofonts/noto-cjk's own (commit f8d15753): their SHA-256 sums.
PACKAGED_SHA256 = {
    "NotoSansSC-Regular.otf": "faa6c9df652116dde789d351359f3d7e5d2285a2b2a1f04a2d7244df706d5ea9",
    "NotoSerifSC-Regular.otf": "e8f396decc1f0963a016a989c3d8852e863d1350996f573860a80767c83a1cd3",
}
#: Tried after the Noto fonts, where installed: rarer ideographs (Extensions B to F), symbols.
EXTRA_FALLBACKS = (
    Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),
    Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)
#: Not drawn as glyphs: line breaks and the soft hyphen are layout.
NOT_DRAWN = frozenset("\n\r\u00ad")

SERIF = "serif"
SANS = "sans"


@dataclass(frozen=True)
class FontFile:
    """A font file, and the face within it when it is a collection (TTC/OTC)."""

    path: Path
    index: int = 0

    @classmethod
    def parse(cls, spec: str, *, setting: str) -> "FontFile":
        """``path`` or ``path#index``, as the settings give it; a missing file is refused."""
        path, _sep, index = spec.strip().partition("#")
        if not Path(path).is_file():
            raise ImproperlyConfigured(f"{setting}: no font file at {path}")
        try:
            return cls(Path(path), int(index or 0))
        except ValueError as bad:
            raise ImproperlyConfigured(f"{setting}: {spec!r} is not path#index") from bad

    def __str__(self) -> str:
        return f"{self.path}#{self.index}" if self.index else str(self.path)


@dataclass(frozen=True)
class Typefaces:
    serif: FontFile
    sans: FontFile
    fallbacks: tuple[FontFile, ...]


class UndrawableCharacter(ValueError):
    """A character that neither the main font nor any fallback can draw."""

    def __init__(self, char: str):
        self.char = char
        self.code_point = f"U+{ord(char):04X}"
        super().__init__(_(
            "No font can draw the character “%(char)s” (%(code)s): the PDF would leave it out. "
            "Add a font that has it to JUECE_PDF_FALLBACK_FONTS.")
            % {"char": char, "code": self.code_point})


def _present(*candidates: FontFile) -> list[FontFile]:
    return [font for font in candidates if font.path.is_file()]


def packaged_fonts() -> dict[str, FontFile]:
    """The package's Noto Serif SC and Noto Sans SC, by file name (empty if not installed)."""
    try:
        from pylopdf_fonts_zh_cn import sans_path, serif_path
    except ModuleNotFoundError:
        return {}
    return {path.name: FontFile(path) for path in (serif_path(), sans_path()) if path.is_file()}


def typefaces() -> Typefaces:
    """The fonts a document is set in now, from the settings and what is installed."""
    packaged = packaged_fonts()
    serifs = _present(FontFile(DEBIAN_NOTO / "NotoSerifCJK-Regular.ttc", DEBIAN_SC_INDEX),
                      *[f for name, f in packaged.items() if "Serif" in name])
    sanses = _present(FontFile(DEBIAN_NOTO / "NotoSansCJK-Regular.ttc", DEBIAN_SC_INDEX),
                      *[f for name, f in packaged.items() if "Sans" in name])
    configured = getattr(settings, "JUECE_PDF_FONT", "")
    if configured:
        serif = sans = FontFile.parse(configured, setting="JUECE_PDF_FONT")
    else:
        if not serifs and not sanses:
            raise ImproperlyConfigured(
                "No CJK font for the PDF documents: install the project's dependencies "
                "(pylopdf-fonts-zh-cn) or Debian's fonts-noto-cjk, or set JUECE_PDF_FONT to a "
                "TTF/TTC/OTF file.")
        serif = (serifs or sanses)[0]
        sans = (sanses or serifs)[0]
    extra = [FontFile.parse(spec, setting="JUECE_PDF_FALLBACK_FONTS")
             for spec in getattr(settings, "JUECE_PDF_FALLBACK_FONTS", [])]
    candidates = [*extra, *serifs, *sanses, *_present(*map(FontFile, EXTRA_FALLBACKS))]
    fallbacks = tuple(dict.fromkeys(f for f in candidates if f not in (serif, sans)))
    return Typefaces(serif=serif, sans=sans, fallbacks=fallbacks)


@functools.lru_cache(maxsize=16)
def coverage(font: FontFile) -> frozenset[int]:
    """The code points ``font`` has a glyph for."""
    with font.path.open("rb") as handle:
        collection = handle.read(4) == b"ttcf"
    ttfont = TTFont(font.path, fontNumber=font.index if collection else -1, lazy=True)
    try:
        return frozenset(ttfont.getBestCmap())
    finally:
        ttfont.close()


def font_for(char: str) -> FontFile | None:
    """The first font of the current choice that draws ``char``, main fonts first."""
    faces = typefaces()
    for font in (faces.serif, faces.sans, *faces.fallbacks):
        if ord(char) in coverage(font):
            return font
    return None


class CJKDocument(FPDF):
    """An A4 PDF with the serif and sans faces as ``SERIF`` and ``SANS``, fallbacks added as
    its text needs them, and no character left out: one no font draws raises
    ``UndrawableCharacter`` before anything is written."""

    def __init__(self):
        super().__init__(format="A4")
        self.typefaces = typefaces()
        self._add(SERIF, self.typefaces.serif)
        if self.typefaces.sans == self.typefaces.serif:
            self._add(SANS, self.typefaces.serif)
        else:
            self._add(SANS, self.typefaces.sans)
        self._fallbacks_added: list[FontFile] = []
        self.set_creator("juece")

    def _add(self, family: str, font: FontFile) -> None:
        self.add_font(family, fname=str(font.path), collection_font_number=font.index)

    def normalize_text(self, text: str) -> str:
        """fpdf2 passes every text it draws or measures through here: each character finds
        its font now, or the document refuses it."""
        text = super().normalize_text(text)
        font = self.current_font
        if font is None or not self.is_ttf_font:
            return text
        for char in dict.fromkeys(text):
            if char in NOT_DRAWN or ord(char) in font.cmap:
                continue
            if not any(ord(char) in self.fonts[key].cmap for key in self._fallback_font_ids):
                self._add_fallback_for(char)
        return text

    def _add_fallback_for(self, char: str) -> None:
        for candidate in self.typefaces.fallbacks:
            if candidate in self._fallbacks_added or ord(char) not in coverage(candidate):
                continue
            family = f"fallback{len(self._fallbacks_added)}"
            self._add(family, candidate)
            self._fallbacks_added.append(candidate)
            self.set_fallback_fonts(
                [f"fallback{n}" for n in range(len(self._fallbacks_added))], exact_match=False)
            return
        raise UndrawableCharacter(char)

    def output(self, *args, **kwargs):
        """The PDF's bytes; a glyph fpdf2 found missing all the same is an error, not a gap."""
        self._refuse_missing_glyphs()
        kwargs.setdefault("output_producer_class", TrueTypeFonts)
        result = super().output(*args, **kwargs)
        self._refuse_missing_glyphs()
        return result

    def _refuse_missing_glyphs(self) -> None:
        missing = [code for font in self.fonts.values()
                   for code in getattr(font, "missing_glyphs", ())]
        if missing:
            raise UndrawableCharacter(chr(missing[0]))


class TrueTypeFonts(OutputProducer):
    """Writes the document once its text is set, each CFF font's subset as TrueType."""

    def bufferize(self):
        for font in self.fpdf.fonts.values():
            if isinstance(font, TTFFont) and font.is_cff:
                cff_to_truetype(font.ttfont, font.subset.get_all_glyph_names())
                font.is_cff = font.is_cid_keyed = False
        return super().bufferize()


def cff_to_truetype(ttfont: TTFont, glyph_names) -> None:
    """Cut ``ttfont`` down to ``glyph_names`` and give it quadratic (TrueType) outlines, in
    place; glyph names, advances and the character map stay as they were."""
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True)
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG"]
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(glyphs=list(glyph_names))
    subsetter.subset(ttfont)
    order = ttfont.getGlyphOrder()
    glyph_set = ttfont.getGlyphSet()
    outlines = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        outlines[name] = pen.glyph()
    ttfont["loca"] = newTable("loca")
    glyf = ttfont["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = outlines
    del ttfont["CFF "]
    glyf.compile(ttfont)
    hmtx = ttfont["hmtx"]
    for name, outline in outlines.items():
        if hasattr(outline, "xMin"):
            hmtx[name] = (hmtx[name][0], outline.xMin)
    maxp = ttfont["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    maxp.maxTwilightPoints = maxp.maxStorage = maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = maxp.maxStackElements = maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = 0
    maxp.compile(ttfont)
    post = ttfont["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    ttfont["head"].glyphDataFormat = 0
    ttfont.sfntVersion = "\x00\x01\x00\x00"
