"""Outline → Word document (python-docx): Title / Heading 1-2 styles, tables with a totals row,
the draft header and the provenance footer on every page."""

from __future__ import annotations

import io
import unicodedata

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph as DocxParagraph

from drafting.outline import Bullet, FieldLine, Heading, Outline, Paragraph, Table

_PARAGRAPH_STYLES = {"subtitle": "Subtitle", "banner": "Intense Quote"}


def is_rtl(text: str) -> bool:
    """True when the first strongly directional character is right-to-left (Arabic, Hebrew…)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _mark_rtl(paragraph: DocxParagraph, text: str) -> None:
    if not is_rtl(text):
        return
    paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    for run in paragraph.runs:
        run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))


def _paragraphs(document: DocxDocument, block: Paragraph) -> None:
    for chunk in [c for c in block.text.split("\n\n") if c.strip()] or [""]:
        paragraph = document.add_paragraph(chunk, style=_PARAGRAPH_STYLES.get(block.style))
        if block.style == "note":
            for run in paragraph.runs:
                run.italic = True
        if block.style == "signature":
            paragraph.paragraph_format.space_after = Pt(0)
        _mark_rtl(paragraph, chunk)


def _table(document: DocxDocument, block: Table) -> None:
    rows = [block.header, *block.rows, *(() if block.total is None else (block.total,))]
    table = document.add_table(rows=len(rows), cols=len(block.header))
    table.style = "Table Grid"
    for row_index, values in enumerate(rows):
        bold = row_index == 0 or (block.total is not None and row_index == len(rows) - 1)
        for cell, value in zip(table.rows[row_index].cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(value)
            run.bold = bold
            _mark_rtl(paragraph, value)
    header_row = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # repeat the header row on each page
    repeat.set(qn("w:val"), "true")
    header_row.append(repeat)
    document.add_paragraph()


def render_docx(outline: Outline) -> bytes:
    document = Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = outline.header
    section.footer.paragraphs[0].text = outline.footer
    properties = document.core_properties
    properties.title = outline.title[:250]
    properties.subject = outline.header
    properties.comments = outline.footer[:250]
    properties.author = "Assistant CaRE"
    for block in outline.blocks:
        if isinstance(block, Heading):
            _mark_rtl(document.add_heading(block.text, level=block.level), block.text)
        elif isinstance(block, Paragraph):
            _paragraphs(document, block)
        elif isinstance(block, FieldLine):
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{block.label} : ").bold = True
            paragraph.add_run(block.value)
            _mark_rtl(paragraph, block.value)
        elif isinstance(block, Bullet):
            text = f"☐ {block.text}" if block.checkbox else block.text
            _mark_rtl(document.add_paragraph(text, style="List Bullet"), block.text)
        else:
            _table(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
