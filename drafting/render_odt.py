"""Outline → OpenDocument text (odfpy): named Title / Heading 1-2 styles, tables with a totals
row, the draft header and the provenance footer on every page."""

from __future__ import annotations

import io
from typing import Any

from odf import teletype
from odf.opendocument import OpenDocumentText
from odf.style import (
    Footer,
    Header,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TextProperties,
)
from odf.table import Table as OdfTable
from odf.table import TableCell, TableColumn, TableRow
from odf.text import H, List, ListItem, P, Span

from drafting.outline import Bullet, FieldLine, Heading, Outline, Paragraph, Table
from drafting.render_docx import is_rtl


def _style(name: str, display: str, family: str = "paragraph", **text: Any) -> Style:
    style = Style(name=name, displayname=display, family=family)
    if text:
        style.addElement(TextProperties(**text))
    return style


class _Styles:
    def __init__(self, doc: OpenDocumentText) -> None:
        self.title = _style("Title", "Title", fontsize="20pt", fontweight="bold")
        self.subtitle = _style("Subtitle", "Subtitle", fontsize="13pt", fontstyle="italic")
        self.h1 = _style("Heading_20_1", "Heading 1", fontsize="15pt", fontweight="bold")
        self.h1.setAttribute("defaultoutlinelevel", "1")
        self.h2 = _style("Heading_20_2", "Heading 2", fontsize="12.5pt", fontweight="bold")
        self.h2.setAttribute("defaultoutlinelevel", "2")
        self.body = _style("Text_20_body", "Text body")
        self.body.addElement(ParagraphProperties(marginbottom="0.2cm"))
        self.note = _style("Note", "Note", fontstyle="italic")
        self.banner = _style("Banner", "Banner", fontweight="bold", color="#9c2b2b")
        self.bold = _style("Strong", "Strong", family="text", fontweight="bold")
        self.cell_head = _style("Table_20_Heading", "Table Heading", fontweight="bold")
        self.cell = Style(name="Cell", family="table-cell")
        self.cell.addElement(TableCellProperties(border="0.5pt solid #000000", padding="0.1cm"))
        self.rtl = Style(name="RTL", family="paragraph", parentstylename="Text_20_body")
        self.rtl.addElement(ParagraphProperties(writingmode="rl-tb", textalign="end"))
        for style in (
            self.title,
            self.subtitle,
            self.h1,
            self.h2,
            self.body,
            self.note,
            self.banner,
            self.bold,
            self.cell_head,
            self.rtl,
        ):
            doc.styles.addElement(style)
        doc.automaticstyles.addElement(self.cell)


def _text(element: Any, text: str) -> Any:
    teletype.addTextToElement(element, text)
    return element


def _page(doc: OpenDocumentText, outline: Outline) -> None:
    layout = PageLayout(name="PageLayout")
    layout.addElement(PageLayoutProperties(margin="2cm"))
    doc.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header, footer = Header(), Footer()
    header.addElement(_text(P(), outline.header))
    footer.addElement(_text(P(), outline.footer))
    master.addElement(header)
    master.addElement(footer)
    doc.masterstyles.addElement(master)


def _table(doc: OpenDocumentText, styles: _Styles, block: Table, number: int) -> None:
    table = OdfTable(name=f"Tableau{number}")
    table.addElement(TableColumn(numbercolumnsrepeated=len(block.header)))
    rows = [block.header, *block.rows, *(() if block.total is None else (block.total,))]
    for row_index, values in enumerate(rows):
        bold = row_index == 0 or (block.total is not None and row_index == len(rows) - 1)
        row = TableRow()
        for value in values:
            cell = TableCell(valuetype="string", stylename=styles.cell)
            style = styles.cell_head if bold else (styles.rtl if is_rtl(value) else styles.body)
            cell.addElement(_text(P(stylename=style), value))
            row.addElement(cell)
        table.addElement(row)
    doc.text.addElement(table)


def render_odt(outline: Outline) -> bytes:
    doc = OpenDocumentText()
    styles = _Styles(doc)
    _page(doc, outline)
    paragraph_styles = {"subtitle": styles.subtitle, "note": styles.note, "banner": styles.banner}
    bullets: Any = None
    tables = 0
    for block in outline.blocks:
        if not isinstance(block, Bullet):
            bullets = None
        if isinstance(block, Heading):
            if block.level == 0:
                doc.text.addElement(_text(P(stylename=styles.title), block.text))
            else:
                style = styles.h1 if block.level == 1 else styles.h2
                doc.text.addElement(
                    _text(H(outlinelevel=block.level, stylename=style), block.text)
                )
        elif isinstance(block, Paragraph):
            for chunk in [c for c in block.text.split("\n\n") if c.strip()] or [""]:
                style = paragraph_styles.get(block.style) or (
                    styles.rtl if is_rtl(chunk) else styles.body
                )
                doc.text.addElement(_text(P(stylename=style), chunk))
        elif isinstance(block, FieldLine):
            paragraph = P(stylename=styles.rtl if is_rtl(block.value) else styles.body)
            paragraph.addElement(_text(Span(stylename=styles.bold), f"{block.label} : "))
            doc.text.addElement(_text(paragraph, block.value))
        elif isinstance(block, Bullet):
            if bullets is None:
                bullets = List()
                doc.text.addElement(bullets)
            item = ListItem()
            text = f"☐ {block.text}" if block.checkbox else f"• {block.text}"
            item.addElement(_text(P(stylename=styles.body), text))
            bullets.addElement(item)
        else:
            tables += 1
            _table(doc, styles, block, tables)
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()
