"""A document's template, rendered to its text blocks, laid out on A4 as an office's own papers
are: the issuing body, the title, the number under a red rule, the body, the signature block and
the date on the right, the page number at the foot.

A template (``templates/documents/<kind>.txt``, a Django template) writes one block per line,
``@kind text``; a line that does not start with ``@`` continues the block above it. The kinds:

``@issuer``    the issuing body, red, centred           ``@title``      the title, centred
``@number``    the document's number, centred          ``@rule``       a red rule across the page
``@to``        the addressee, flush left               ``@heading``    a heading (黑体)
``@para``      a paragraph, its first line indented    ``@field``      ``label|value``
``@table``     ``head|head|…``, each head may end in ``:weight`` (its share of the width)
``@row``       ``cell|cell|…``: a row of the table above
``@signature`` flush right                             ``@date``       flush right
``@note``      small print                             ``@space``      a blank line

A value from the record never starts a block or splits a cell: its line breaks, ``@`` and ``|``
are carried through the template as private marks and restored in the block's text.
"""

import re
from dataclasses import dataclass, field

from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from fpdf.enums import Align, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from .fonts import SANS, SERIF, CJKDocument

KINDS = frozenset({"issuer", "title", "number", "rule", "to", "heading", "para", "field",
                   "table", "row", "signature", "date", "note", "space"})
BLOCK = re.compile(r"^@([a-z]+)(?:[ \t](.*))?$")
#: How a value's own line breaks, ``@`` and ``|`` travel through the template (private use).
MARKS = {"\n": "\U000f0001", "@": "\U000f0002", "|": "\U000f0003"}
RED = (200, 16, 16)
INDENT = "\u3000\u3000"  # two ideographic spaces: a Chinese paragraph's first-line indent
#: Marks a line does not start with, and marks it does not end with (禁则).
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’…—·%,.;:?!)]}")
NO_LINE_END = frozenset("（《「『【〔〈“‘([{")


def _is_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _break_point(line: str, next_char: str) -> int:
    """Where ``line`` is cut when ``next_char`` does not fit: before the Latin word or number
    it is part of, if that is not the whole line, and before any opening mark at its end."""
    cut = len(line)
    if _is_word(next_char):
        start = cut
        while start > 0 and _is_word(line[start - 1]):
            start -= 1
        if start > 0:
            cut = start
    while cut > 1 and line[cut - 1] in NO_LINE_END:
        cut -= 1
    return cut


class DocumentTemplateError(ValueError):
    """A template that does not make a document: the office's adjustment names the mistake."""


@dataclass
class Block:
    kind: str
    text: str
    line: int
    rows: list[list[str]] = field(default_factory=list)  # a table's rows

    @property
    def cells(self) -> list[str]:
        return self.text.split("|")


def carried(value):
    """A context value made safe to place anywhere in a template: strings (also inside lists
    and dicts) with their line breaks, ``@`` and ``|`` marked, and not HTML-escaped (a
    document is not a web page)."""
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        for char, mark in MARKS.items():
            value = value.replace(char, mark)
        return mark_safe(value)  # noqa: S308 (printed into a PDF, never into HTML)
    if isinstance(value, dict):
        return {key: carried(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [carried(item) for item in value]
    return value


def _restored(text: str) -> str:
    for char, mark in MARKS.items():
        text = text.replace(mark, char)
    return text


def render_blocks(template_name: str, context: dict) -> list[Block]:
    """The template rendered with ``context`` and cut into its blocks."""
    rendered = get_template(template_name).render(carried(context))
    blocks: list[Block] = []
    for number, raw in enumerate(rendered.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        match = BLOCK.match(line)
        if match:
            kind, text = match.group(1), (match.group(2) or "").strip()
            if kind not in KINDS:
                raise DocumentTemplateError(
                    _("%(template)s, line %(line)d: “@%(kind)s” is not a kind of block "
                      "(%(kinds)s).") % {"template": template_name, "line": number,
                                          "kind": kind, "kinds": "、".join(sorted(KINDS))})
            if kind == "row":
                table = next((b for b in reversed(blocks) if b.kind == "table"), None)
                if table is None or blocks[-1].kind not in ("table", "row"):
                    raise DocumentTemplateError(
                        _("%(template)s, line %(line)d: a row outside a table.")
                        % {"template": template_name, "line": number})
            blocks.append(Block(kind, text, number))
        elif blocks:
            blocks[-1].text += "\n" + line
        else:
            raise DocumentTemplateError(
                _("%(template)s, line %(line)d: text before the first block (a block starts "
                  "with @, such as @title).") % {"template": template_name, "line": number})
    return _tables(blocks, template_name)


def _tables(blocks: list[Block], template_name: str) -> list[Block]:
    """Each ``@row`` moved into its table, every text's marks restored."""
    result: list[Block] = []
    for block in blocks:
        if block.kind == "row":
            table = result[-1]
            row = [_restored(cell).strip() for cell in block.text.split("|")]
            if len(row) != len(table.cells):
                raise DocumentTemplateError(
                    _("%(template)s, line %(line)d: a row of %(n)d cells in a table of "
                      "%(columns)d columns.") % {"template": template_name, "line": block.line,
                                                 "n": len(row), "columns": len(table.cells)})
            table.rows.append(row)
            continue
        if block.kind != "table":
            block.text = _restored(block.text)
        result.append(block)
    return result


class OfficeDocument(CJKDocument):
    """A4, the margins of an office's papers, the page number at the foot (— 1 —)."""

    BODY = 14  # points
    LINE = 7.6  # millimetres between lines of the body

    def __init__(self, title: str):
        super().__init__()
        self._widths: dict = {}
        self.set_title(title)
        # The text block a whole number of characters of the body wide (as 公文 are set, 28 a
        # line at 16 points): lines of Chinese then end flush with each other.
        em = self.BODY * 25.4 / 72
        text_width = int((self.w - 28 - 26) / em) * em
        self.set_margins(28, 30, self.w - 28 - text_width)
        self.set_auto_page_break(auto=True, margin=26)
        self.add_page()

    def footer(self):
        self.set_y(-18)
        self.set_font(SERIF, size=11)
        self.cell(0, 6, f"— {self.page_no()} —", align="C")

    def text_block(self, text: str, *, family=SERIF, size=BODY, align=Align.L, line=LINE,
                   indent: str = "", color=(0, 0, 0), balanced=False):
        """Each line of ``text`` a paragraph, broken as Chinese is: a closing mark never
        starts a line (it hangs in the margin), an opening mark never ends one, a number or a
        Latin word is not cut where it fits on a line. A ``balanced`` paragraph (a title) has
        lines of about the same length rather than a last word alone."""
        self.set_font(family, size=size)
        self.set_text_color(*color)
        width = self.w - self.l_margin - self.r_margin
        for paragraph in text.split("\n"):
            pieces = self.broken(indent + paragraph.strip(), width)
            if balanced and len(pieces) > 1:
                pieces = self._balanced(indent + paragraph.strip(), len(pieces), width)
            for piece in pieces:
                self.cell(width, line, piece, align=align, new_x=XPos.LMARGIN,
                          new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)

    def _balanced(self, text: str, lines: int, width: float) -> list[str]:
        trial = self.get_string_width(text) / lines
        while trial < width:
            pieces = self.broken(text, trial)
            if len(pieces) <= lines:
                return pieces
            trial += self.font_size / 2
        return self.broken(text, width)

    def broken(self, text: str, width: float) -> list[str]:
        widths = self._widths.setdefault((self.font_family, self.font_size_pt), {})
        lines, line, used = [], "", 0.0
        for char in text:
            if char not in widths:
                widths[char] = self.get_string_width(char)
            if line and used + widths[char] > width:
                if char in NO_LINE_START:
                    lines.append(line + char)
                    line, used = "", 0.0
                    continue
                cut = _break_point(line, char)
                lines.append(line[:cut])
                line = line[cut:]
                used = sum(widths[c] for c in line)
            line += char
            used += widths[char]
        lines.append(line)
        return lines

    def keep_together(self, lines: int):
        """A new page unless ``lines`` of the body fit on this one: the signature block and its
        date are never parted."""
        if self.will_page_break(lines * self.LINE):
            self.add_page()

    def rule(self):
        self.ln(1.5)
        self.set_draw_color(*RED)
        self.set_line_width(0.6)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_line_width(0.2)
        self.set_draw_color(0, 0, 0)
        self.ln(6)

    def field(self, text: str):
        label, _sep, value = text.partition("|")
        self.set_font(SANS, size=self.BODY)
        label = f"{label.strip()}："
        self.cell(self.get_string_width(label) + 0.5, self.LINE, label)
        self.set_font(SERIF, size=self.BODY)
        self.multi_cell(0, self.LINE, value.strip() or "—", wrapmode=WrapMode.CHAR,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def table_of(self, block: Block):
        heads, weights = [], []
        for cell in block.cells:
            head, _sep, weight = _restored(cell).rpartition(":")
            if not head or not weight.strip().isdigit():
                head, weight = _restored(cell), "1"
            heads.append(head.strip())
            weights.append(int(weight))
        self.ln(1)
        self.set_font(SERIF, size=self.BODY - 2)
        with self.table(col_widths=weights, text_align="LEFT", line_height=6.2,
                        wrapmode=WrapMode.CHAR, padding=1.2,
                        headings_style=_heading_style()) as table:
            row = table.row()
            for head in heads:
                row.cell(head)
            for cells in block.rows:
                row = table.row()
                for cell in cells:
                    row.cell(cell or "—")
        self.ln(2)


def _closing_lines(blocks: list[Block], start: int) -> int:
    """The lines of the signature block and date that begin at ``blocks[start]``."""
    lines = 0
    for block in blocks[start:]:
        if block.kind not in ("signature", "date"):
            break
        lines += block.text.count("\n") + 1
    return lines


def _heading_style() -> FontFace:
    return FontFace(family=SANS, emphasis="NONE", fill_color=(240, 240, 240))


def layout_pdf(blocks: list[Block], *, title: str) -> bytes:
    """The PDF of ``blocks``."""
    pdf = OfficeDocument(title)
    previous = None
    for index, block in enumerate(blocks):
        kind, text = block.kind, block.text
        if kind == "issuer":
            pdf.text_block(text, family=SERIF, size=22, align=Align.C, line=12, color=RED,
                           balanced=True)
            pdf.ln(2)
        elif kind == "title":
            if previous in ("issuer", "rule"):
                pdf.ln(2)
            pdf.text_block(text, family=SERIF, size=20, align=Align.C, line=11, balanced=True)
            pdf.ln(2)
        elif kind == "number":
            pdf.text_block(text, size=14, align=Align.C)
        elif kind == "rule":
            pdf.rule()
        elif kind == "to":
            pdf.text_block(text)
        elif kind == "heading":
            pdf.ln(1)
            pdf.text_block(text, family=SANS, indent=INDENT)
        elif kind == "para":
            pdf.text_block(text, indent=INDENT)
        elif kind == "field":
            pdf.field(text)
        elif kind == "table":
            pdf.table_of(block)
        elif kind == "signature":
            if previous not in ("signature",):
                pdf.keep_together(_closing_lines(blocks, index) + 1)
                pdf.ln(pdf.LINE)
            pdf.text_block(text, align=Align.R)
        elif kind == "date":
            if previous != "signature":
                pdf.keep_together(2)
                pdf.ln(pdf.LINE)
            pdf.text_block(text, align=Align.R)
        elif kind == "note":
            pdf.ln(3)
            pdf.text_block(text, size=9.5, line=5, color=(70, 70, 70))
        elif kind == "space":
            pdf.ln(pdf.LINE)
        previous = kind
    return bytes(pdf.output())
