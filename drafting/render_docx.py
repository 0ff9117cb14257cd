"""Outline → Word document (python-docx), set in code as a French A4 document: page A4 with
French margins, language fr-FR in the default run properties, every style and every run (Word
checks the spelling in French), Arial body text, Title / Heading 1-2 styles that keep with the
next paragraph, the draft header and the provenance footer with « Page N sur M » (PAGE and
NUMPAGES fields) on every page, tables with fixed column widths, a repeated header row and rows
never split across pages, a page break before the annexes, and the letter's recipient and
signature blocks on the right."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from drafting import layout
from drafting.outline import (
    SIGNATURE_STYLES,
    Block,
    Bullet,
    FieldLine,
    Heading,
    Outline,
    PageBreak,
    Paragraph,
    Table,
    keeps_with_next,
)

_TWIPS_PER_CM = 567
_BLOCKS = ("sender", "recipient", *SIGNATURE_STYLES)  # lines kept together on one page
# Children that follow w:lang / w:rtl in a run's properties, and w:bidi in a paragraph's
# (OOXML wants a fixed order; Word refuses a file whose elements are out of order).
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_RTL = ("w:cs", "w:em", "w:lang", *_AFTER_LANG)
_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip
_AFTER_SHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")


def is_rtl(text: str) -> bool:
    """True when the first strongly directional character is right-to-left (Arabic, Hebrew…)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _replace_child(parent: BaseOxmlElement, tag: str, successors: tuple[str, ...]) -> Any:
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    child = OxmlElement(tag)
    parent.insert_element_before(child, *successors)
    return child


def _set_language(rpr: BaseOxmlElement) -> None:
    lang = _replace_child(rpr, "w:lang", _AFTER_LANG)
    lang.set(qn("w:val"), layout.LOCALE)
    lang.set(qn("w:eastAsia"), layout.LOCALE)
    lang.set(qn("w:bidi"), "ar-SA")


def _set_font(rpr: BaseOxmlElement) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would win over the font named here
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), layout.FONT)


def _mark_rtl(paragraph: DocxParagraph, text: str) -> None:
    if not is_rtl(text):
        return
    paragraph._p.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)
    for run in paragraph.runs:
        run._r.get_or_add_rPr().insert_element_before(OxmlElement("w:rtl"), *_AFTER_RTL)


# -- document set-up -----------------------------------------------------------------------------
def _page(document: DocxDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(layout.PAGE_WIDTH_CM), Cm(layout.PAGE_HEIGHT_CM)
    section.top_margin, section.bottom_margin = (
        Cm(layout.MARGIN_TOP_CM),
        Cm(layout.MARGIN_BOTTOM_CM),
    )
    section.left_margin, section.right_margin = (
        Cm(layout.MARGIN_LEFT_CM),
        Cm(layout.MARGIN_RIGHT_CM),
    )
    section.header_distance = section.footer_distance = Cm(layout.HEADER_FOOTER_DISTANCE_CM)


def _defaults(document: DocxDocument) -> None:
    """Run and paragraph defaults: Arial, body size, fr-FR; French settings for Word."""
    styles = document.styles.element
    rpr = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _set_font(rpr)
    for size in ("w:sz", "w:szCs"):
        rpr.find(qn(size)).set(qn("w:val"), str(int(layout.BODY_PT * 2)))
    _set_language(rpr)
    spacing = styles.find(
        f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}"
    )
    spacing.set(qn("w:after"), str(int(layout.SPACE_AFTER_PT * 20)))
    spacing.set(qn("w:line"), str(int(layout.LINE_SPACING * 240)))
    settings = document.settings.element
    for element in settings.findall(qn("w:themeFontLang")):
        element.set(qn("w:val"), layout.LOCALE)
        element.attrib.pop(qn("w:eastAsia"), None)
    for element in settings.findall(qn("w:proofState")):
        settings.remove(element)  # « already checked » would skip the French spelling check
    for tag, value in (("w:decimalSymbol", ","), ("w:listSeparator", ";")):
        for element in settings.findall(qn(tag)):
            element.set(qn("w:val"), value)


def _style(
    document: DocxDocument,
    name: str,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    color: str | None = None,
    before: float = 0,
    after: float = layout.SPACE_AFTER_PT,
    keep_with_next: bool = False,
) -> None:
    style = document.styles[name]
    font = style.font  # type: ignore[union-attr]
    font.size, font.bold, font.italic = Pt(size), bold, italic
    font.color.rgb = RGBColor.from_string(color) if color else None
    fmt = style.paragraph_format  # type: ignore[union-attr]
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.keep_with_next = keep_with_next
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)  # the default Title has a rule under it
    rpr = style.element.get_or_add_rPr()
    for spacing in rpr.findall(qn("w:spacing")):
        rpr.remove(spacing)  # nor letter-spaced text (the default Subtitle)


def _styles(document: DocxDocument) -> None:
    _style(document, "Normal", layout.BODY_PT)
    _style(document, "Title", layout.TITLE_PT, bold=True, color=layout.DARK_BLUE, after=2)
    _style(document, "Subtitle", layout.SUBTITLE_PT, italic=True, color=layout.GREY, after=6)
    for name, size, before in (
        ("Heading 1", layout.HEADING1_PT, 12),
        ("Heading 2", layout.HEADING2_PT, 8),
    ):
        _style(document, name, size, bold=True, color=layout.DARK_BLUE, before=before, after=3,
               keep_with_next=True)  # fmt: skip
    _style(document, "List Bullet", layout.BODY_PT, after=2)
    for style in document.styles:
        element = style.element
        if element.get(qn("w:type")) in ("paragraph", "character", "table"):
            rpr = element.get_or_add_rPr()
            _set_font(rpr)
            _set_language(rpr)


def _field(paragraph: DocxParagraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES) in ``paragraph``; ``shown`` is the value before update."""
    for kind in ("begin", "instr", "separate", "value", "end"):
        run = paragraph.add_run(shown if kind == "value" else "")
        if kind == "instr":
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {instruction} "
            run._r.append(code)
        elif kind != "value":
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)


def _header_footer(document: DocxDocument, outline: Outline) -> None:
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run(outline.header)
    run.font.size, run.font.bold = Pt(layout.SMALL_PT), True
    run.font.color.rgb = RGBColor.from_string(layout.DRAFT_RED)
    provenance = section.footer.paragraphs[0]
    provenance.paragraph_format.space_after = Pt(0)
    run = provenance.add_run(outline.footer)
    run.font.size = Pt(layout.SMALL_PT - 1)
    run.font.color.rgb = RGBColor.from_string(layout.GREY)
    pages = section.footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    before, between, after = layout.page_label_parts()
    pages.add_run(before)
    _field(pages, "PAGE", "1")
    pages.add_run(between)
    _field(pages, "NUMPAGES", "1")
    pages.add_run(after)
    for paragraph in pages, provenance, header:
        for item in paragraph.runs:
            item.font.size = item.font.size or Pt(layout.SMALL_PT)


# -- blocks --------------------------------------------------------------------------------------
def _runs_look(paragraph: DocxParagraph, size: float | None = None, **look: Any) -> None:
    for run in paragraph.runs:
        if size is not None:
            run.font.size = Pt(size)
        if "color" in look:
            run.font.color.rgb = RGBColor.from_string(look.pop("color"))
        for name, value in look.items():
            setattr(run, name, value)


def _format(paragraph: DocxParagraph, style: str, *, first: bool) -> None:
    """Direct formatting of the paragraph kinds that have no Word style of their own."""
    fmt = paragraph.paragraph_format
    if style in ("normal", "opening"):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if style == "opening":
            fmt.space_before = Pt(10)
    elif style == "note":
        _runs_look(paragraph, layout.SMALL_PT + 0.5, italic=True, color=layout.GREY)
    elif style == "banner":
        _runs_look(paragraph, bold=True, color=layout.DRAFT_RED)
    elif style == "letter_title":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(4), Pt(8), True
        _runs_look(paragraph, layout.LETTER_TITLE_PT, bold=True, color=layout.DARK_BLUE)
    elif style == "sender":
        fmt.space_after = Pt(0)
        _runs_look(paragraph, bold=first)
    elif style == "recipient":
        fmt.left_indent = Cm(layout.BLOCK_INDENT_CM)
        fmt.space_before, fmt.space_after = Pt(12 if first else 0), Pt(0)
    elif style in SIGNATURE_STYLES:
        fmt.left_indent = Cm(layout.BLOCK_INDENT_CM)
        fmt.space_after, fmt.keep_together = Pt(0), True
        if style == "signature" and first:
            fmt.space_before = Pt(12)
        elif style == "signature_note":
            _runs_look(paragraph, layout.SMALL_PT, italic=True, color=layout.GREY)
        elif style == "signature_name":
            fmt.space_before = Cm(layout.SIGNATURE_SPACE_CM)


class _Writer:
    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self.page_break = False
        self.previous: Block | None = None

    def _continues(self, style: str) -> bool:
        """True when the previous block was a paragraph of the same ``style``."""
        return isinstance(self.previous, Paragraph) and self.previous.style == style

    def paragraph(self, text: str = "", style: str | None = None) -> DocxParagraph:
        paragraph = self.document.add_paragraph(text, style=style)
        if self.page_break:
            paragraph.paragraph_format.page_break_before = True
            self.page_break = False
        return paragraph

    def heading(self, block: Heading) -> None:
        style = "Title" if block.level == 0 else f"Heading {block.level}"
        _mark_rtl(self.paragraph(block.text, style), block.text)

    def text(self, block: Paragraph, keep_with_next: bool) -> None:
        chunks = [c for c in block.text.split("\n\n") if c.strip()] or [""]
        for number, chunk in enumerate(chunks):
            paragraph = self.paragraph(chunk, "Subtitle" if block.style == "subtitle" else None)
            _format(paragraph, block.style, first=not self._continues(block.style))
            last = number == len(chunks) - 1
            fmt = paragraph.paragraph_format
            fmt.keep_with_next = keep_with_next or (not last and block.style in _BLOCKS)
            _mark_rtl(paragraph, chunk)

    def field(self, block: FieldLine) -> None:
        paragraph = self.paragraph()
        paragraph.add_run(f"{block.label} : ").bold = True
        paragraph.add_run(block.value)
        _mark_rtl(paragraph, block.value)

    def bullet(self, block: Bullet) -> None:
        if block.checkbox:  # a checklist: the box is the marker (no bullet on top of it)
            paragraph = self.paragraph(f"☐ {block.text}")
            paragraph.paragraph_format.left_indent = Cm(0.6)
            paragraph.paragraph_format.space_after = Pt(1)
        else:
            paragraph = self.paragraph(block.text, "List Bullet")
        _mark_rtl(paragraph, block.text)

    def table(self, block: Table) -> None:
        _table(self.document, block, self.page_break)
        self.page_break = False
        spacer = self.document.add_paragraph()
        spacer.paragraph_format.space_after = Pt(2)


def _cell_shading(cell: object, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = _replace_child(tcpr, "w:shd", _AFTER_SHD)
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)


def _table(document: DocxDocument, block: Table, page_break: bool) -> None:
    rows = [block.header, *block.rows, *(() if block.total is None else (block.total,))]
    table = document.add_table(rows=len(rows), cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False  # fixed layout: the widths below hold, words are never cut
    widths = [layout.TEXT_WIDTH_CM * block.width(i) for i in range(len(block.header))]
    for column, grid in zip(widths, table._tbl.tblGrid.findall(qn("w:gridCol")), strict=True):
        grid.set(qn("w:w"), str(int(column * _TWIPS_PER_CM)))
    for row_index, values in enumerate(rows):
        row = table.rows[row_index]
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))  # a row never breaks across two pages
        heading = row_index == 0
        if heading:
            repeat = OxmlElement("w:tblHeader")  # the header row is repeated on each page
            repeat.set(qn("w:val"), "true")
            trpr.append(repeat)
        bold = heading or (block.total is not None and row_index == len(rows) - 1)
        for column, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = Cm(widths[column])
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.keep_with_next = heading
            if block.right_aligned(column):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if page_break and row_index == 0 and column == 0:
                paragraph.paragraph_format.page_break_before = True
            run = paragraph.add_run(value)
            run.bold = bold
            run.font.size = Pt(layout.TABLE_PT)
            if heading:
                _cell_shading(cell, layout.HEADER_FILL)
            _mark_rtl(paragraph, value)


def _runs(document: DocxDocument) -> Iterable[BaseOxmlElement]:
    parts = [document.element]
    for section in document.sections:
        parts += [section.header._element, section.footer._element]
    for part in parts:
        yield from part.iter(qn("w:r"))


def render_docx(outline: Outline) -> bytes:
    document = Document()
    _page(document)
    _defaults(document)
    _styles(document)
    _header_footer(document, outline)
    properties = document.core_properties
    properties.title = outline.title[:250]
    properties.subject = outline.header
    properties.comments = outline.footer[:250]
    properties.author = "Assistant CaRE"
    properties.language = layout.LOCALE
    writer = _Writer(document)
    blocks = list(outline.blocks)
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if isinstance(block, Heading):
            writer.heading(block)
        elif isinstance(block, Paragraph):
            writer.text(block, keep_with_next=keeps_with_next(block, following))
        elif isinstance(block, FieldLine):
            writer.field(block)
        elif isinstance(block, Bullet):
            writer.bullet(block)
        elif isinstance(block, PageBreak):
            writer.page_break = True
        else:
            writer.table(block)
        writer.previous = block
    for run in _runs(document):
        _set_language(run.get_or_add_rPr())  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
