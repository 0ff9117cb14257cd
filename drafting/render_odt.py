"""Outline → OpenDocument text (odfpy), a French A4 document like the DOCX: A4 page layout with
French margins, language fr-FR in the default style and every named style (and in the
metadata), Arial body text, Title / Heading 1-2 that keep with the next paragraph, lists drawn by
a list style (one bullet, never « • • »), the draft header and the provenance footer with
« Page N sur M » (page-number and page-count fields), tables with fixed column widths, a
repeated header row and rows kept on one page, a page break before the annexes, the letter's
recipient and signature blocks on the right and kept together."""

from __future__ import annotations

import io
from typing import Any

from odf import dc, teletype
from odf.opendocument import OpenDocumentText
from odf.style import (
    DefaultStyle,
    FontFace,
    Footer,
    FooterStyle,
    Header,
    HeaderFooterProperties,
    HeaderStyle,
    ListLevelProperties,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableProperties,
    TableRowProperties,
    TextProperties,
)
from odf.table import Table as OdfTable
from odf.table import TableCell, TableColumn, TableHeaderRows, TableRow
from odf.text import (
    H,
    List,
    ListItem,
    ListLevelStyleBullet,
    ListStyle,
    P,
    PageCount,
    PageNumber,
    Span,
)

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
from drafting.render_docx import is_rtl

_LANGUAGE = {"language": layout.LANGUAGE, "country": layout.COUNTRY}
_BLOCKS = ("sender", "recipient", *SIGNATURE_STYLES)


def _pt(value: float) -> str:
    return f"{value:g}pt"


def _cm(value: float) -> str:
    return f"{value:.2f}cm"


def _paragraph_style(
    name: str,
    display: str,
    *,
    parent: str = "Standard",
    paragraph: dict[str, Any] | None = None,
    text: dict[str, Any] | None = None,
) -> Style:
    style = Style(name=name, displayname=display, family="paragraph", parentstylename=parent)
    if paragraph:
        style.addElement(ParagraphProperties(**paragraph))
    style.addElement(TextProperties(**{**_LANGUAGE, **(text or {})}))
    return style


def _style_table() -> dict[str, tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """key → (name, display name, paragraph properties, text properties)."""
    blue, grey, red = f"#{layout.DARK_BLUE}", f"#{layout.GREY}", f"#{layout.DRAFT_RED}"
    keep = {"keepwithnext": "always"}
    block = {"marginleft": _cm(layout.BLOCK_INDENT_CM), "keeptogether": "always"}
    bold = {"fontweight": "bold"}
    return {
        "body": ("Text_20_body", "Text body", {"textalign": "justify"}, {}),
        "title": (
            "Title", "Title", {"marginbottom": "2pt", **keep},
            {"fontsize": _pt(layout.TITLE_PT), **bold, "color": blue},
        ),
        "subtitle": (
            "Subtitle", "Subtitle", {"marginbottom": "6pt", **keep},
            {"fontsize": _pt(layout.SUBTITLE_PT), "fontstyle": "italic", "color": grey},
        ),
        "h1": (
            "Heading_20_1", "Heading 1", {"margintop": "12pt", "marginbottom": "3pt", **keep},
            {"fontsize": _pt(layout.HEADING1_PT), **bold, "color": blue},
        ),
        "h2": (
            "Heading_20_2", "Heading 2", {"margintop": "8pt", "marginbottom": "3pt", **keep},
            {"fontsize": _pt(layout.HEADING2_PT), **bold, "color": blue},
        ),
        "note": (
            "Note", "Note", {},
            {"fontsize": _pt(layout.SMALL_PT + 0.5), "fontstyle": "italic", "color": grey},
        ),
        "banner": ("Banner", "Banner", {}, {**bold, "color": red}),
        "sender": ("Sender", "Sender", {"marginbottom": "0pt", **keep}, {}),
        "recipient": ("Recipient", "Recipient", {**block, "marginbottom": "0pt"}, {}),
        "letter_title": (
            "Letter_20_Title", "Letter Title",
            {"textalign": "center", "margintop": "4pt", "marginbottom": "8pt", **keep},
            {"fontsize": _pt(layout.LETTER_TITLE_PT), **bold, "color": blue},
        ),
        "opening": ("Opening", "Opening", {"textalign": "justify", "margintop": "10pt"}, {}),
        "signature": ("Signature", "Signature", {**block, "marginbottom": "0pt"}, {}),
        "signature_note": (
            "Signature_20_Note", "Signature Note", {**block, "marginbottom": "0pt"},
            {"fontsize": _pt(layout.SMALL_PT), "fontstyle": "italic", "color": grey},
        ),
        "signature_name": (
            "Signature_20_Name", "Signature Name",
            {**block, "marginbottom": "0pt", "margintop": _cm(layout.SIGNATURE_SPACE_CM)}, {},
        ),
        "list": ("List_20_Bullet", "List Bullet", {"marginbottom": "2pt"}, {}),
        "cell": (
            "Table_20_Contents", "Table Contents", {"marginbottom": "0pt"},
            {"fontsize": _pt(layout.TABLE_PT)},
        ),
        "cell_head": (
            "Table_20_Heading", "Table Heading", {"marginbottom": "0pt"},
            {"fontsize": _pt(layout.TABLE_PT), **bold},
        ),
        "header": (
            "Header", "Header", {"textalign": "center", "marginbottom": "0pt"},
            {"fontsize": _pt(layout.SMALL_PT), **bold, "color": red},
        ),
        "footer": (
            "Footer", "Footer", {"marginbottom": "0pt"},
            {"fontsize": _pt(layout.SMALL_PT - 1), "color": grey},
        ),
    }  # fmt: skip


class _Styles:
    """Named styles (visible in LibreOffice's style list) and the automatic ones."""

    def __init__(self, doc: OpenDocumentText) -> None:
        self.doc = doc
        doc.fontfacedecls.addElement(
            FontFace(
                name=layout.FONT,
                fontfamily=layout.FONT,
                fontfamilygeneric="swiss",
                fontpitch="variable",
            )
        )
        default = DefaultStyle(family="paragraph")
        default.addElement(
            ParagraphProperties(
                marginbottom=_pt(layout.SPACE_AFTER_PT),
                orphans="2",
                widows="2",
                lineheight=f"{layout.LINE_SPACING * 100:.0f}%",
            )
        )
        default.addElement(
            TextProperties(fontname=layout.FONT, fontsize=_pt(layout.BODY_PT), **_LANGUAGE)
        )
        doc.styles.addElement(default)
        named = {"Standard": _paragraph_style("Standard", "Default Paragraph Style", parent="")}
        for key, (name, display, paragraph, text) in _style_table().items():
            named[key] = _paragraph_style(name, display, paragraph=paragraph, text=text)
        named["h1"].setAttribute("defaultoutlinelevel", "1")
        named["h2"].setAttribute("defaultoutlinelevel", "2")
        for style in named.values():
            doc.styles.addElement(style)
        self.named = named
        self.bold = Style(name="Strong_20_Emphasis", displayname="Strong Emphasis", family="text")
        self.bold.addElement(TextProperties(fontweight="bold"))
        doc.styles.addElement(self.bold)
        self.bullets = self._list_style("Puces", "•")
        self.boxes = self._list_style("Cases", "☐")
        self.auto: dict[str, Style] = {}

    def _list_style(self, name: str, char: str) -> ListStyle:
        style = ListStyle(name=name, displayname=name)
        level = ListLevelStyleBullet(level=1, bulletchar=char)
        level.addElement(ListLevelProperties(spacebefore="0.25cm", minlabelwidth="0.45cm"))
        level.addElement(TextProperties(fontname=layout.FONT))
        style.addElement(level)
        self.doc.styles.addElement(style)
        return style

    def variant(self, key: str, parent: str, **paragraph: str) -> Style:
        """An automatic style: ``parent`` with extra paragraph properties (page break, keep…)."""
        name = f"{key}_{parent}"
        if name not in self.auto:
            style = Style(name=name, family="paragraph", parentstylename=self.named[parent])
            style.addElement(ParagraphProperties(**paragraph))
            self.doc.automaticstyles.addElement(style)
            self.auto[name] = style
        return self.auto[name]

    def table_styles(self, number: int, block: Table) -> tuple[Style, list[Style]]:
        table = Style(name=f"Tableau{number}", family="table")
        table.addElement(
            TableProperties(
                width=_cm(layout.TEXT_WIDTH_CM), align="left", maybreakbetweenrows="true"
            )
        )
        self.doc.automaticstyles.addElement(table)
        columns = []
        for index in range(len(block.header)):
            column = Style(name=f"Tableau{number}.C{index + 1}", family="table-column")
            column.addElement(
                TableColumnProperties(columnwidth=_cm(layout.TEXT_WIDTH_CM * block.width(index)))
            )
            self.doc.automaticstyles.addElement(column)
            columns.append(column)
        return table, columns

    def cell_styles(self) -> tuple[Style, Style, Style]:
        if "row" not in self.auto:
            row = Style(name="Ligne", family="table-row")
            row.addElement(TableRowProperties(keeptogether="always"))  # never split a row
            border = "0.5pt solid #808080"
            body = Style(name="Cellule", family="table-cell")
            body.addElement(TableCellProperties(border=border, padding="0.08cm"))
            head = Style(name="CelluleEntete", family="table-cell")
            fill = f"#{layout.HEADER_FILL}"
            head.addElement(
                TableCellProperties(border=border, padding="0.08cm", backgroundcolor=fill)
            )
            for style in (row, body, head):
                self.doc.automaticstyles.addElement(style)
            self.auto.update(row=row, cell=body, head=head)
        return self.auto["row"], self.auto["cell"], self.auto["head"]


def _text(element: Any, text: str) -> Any:
    teletype.addTextToElement(element, text)
    return element


def _page(doc: OpenDocumentText, styles: _Styles, outline: Outline) -> None:
    page = PageLayout(name="A4")
    page.addElement(
        PageLayoutProperties(
            pagewidth=_cm(layout.PAGE_WIDTH_CM),
            pageheight=_cm(layout.PAGE_HEIGHT_CM),
            printorientation="portrait",
            margintop=_cm(layout.MARGIN_TOP_CM - 0.6),
            marginbottom=_cm(layout.MARGIN_BOTTOM_CM - 0.8),
            marginleft=_cm(layout.MARGIN_LEFT_CM),
            marginright=_cm(layout.MARGIN_RIGHT_CM),
        )
    )
    header_style = HeaderStyle()
    header_style.addElement(HeaderFooterProperties(minheight="0.4cm", marginbottom="0.4cm"))
    footer_style = FooterStyle()
    footer_style.addElement(HeaderFooterProperties(minheight="0.6cm", margintop="0.3cm"))
    page.addElement(header_style)
    page.addElement(footer_style)
    doc.automaticstyles.addElement(page)
    master = MasterPage(name="Standard", pagelayoutname=page)
    header, footer = Header(), Footer()
    header.addElement(_text(P(stylename=styles.named["header"]), outline.header))
    footer.addElement(_text(P(stylename=styles.named["footer"]), outline.footer))
    pages = P(stylename=styles.variant("right", "footer", textalign="end"))
    before, between, after = layout.page_label_parts()
    pages.addText(before)
    pages.addElement(PageNumber(selectpage="current", numformat="1", text="1"))
    pages.addText(between)
    pages.addElement(PageCount(text="1"))
    pages.addText(after)
    footer.addElement(pages)
    master.addElement(header)
    master.addElement(footer)
    doc.masterstyles.addElement(master)


class _Writer:
    def __init__(self, doc: OpenDocumentText, styles: _Styles) -> None:
        self.doc, self.styles = doc, styles
        self.list: Any = None
        self.page_break = False
        self.tables = 0

    def style(self, key: str, *, keep: bool = False, first: bool = False) -> Style:
        """The named style ``key``, or an automatic variant for a page break, keep-with-next or
        the first line of a block."""
        extra: dict[str, str] = {}
        if self.page_break:
            extra["breakbefore"] = "page"
            self.page_break = False
        if keep:
            extra["keepwithnext"] = "always"
        if first and key in ("signature", "recipient"):
            # LibreOffice reads top and bottom margins as one property: give both.
            extra.update(margintop="12pt", marginbottom="0pt")
        if not extra:
            return self.styles.named[key]
        flags = "".join(sorted(f"{k[0]}{v[0]}" for k, v in extra.items()))
        return self.styles.variant(flags, key, **extra)

    def add(self, element: Any) -> None:
        self.doc.text.addElement(element)

    def heading(self, block: Heading) -> None:
        if block.level == 0:
            self.add(_text(P(stylename=self.style("title")), block.text))
            return
        key = "h1" if block.level == 1 else "h2"
        self.add(_text(H(outlinelevel=block.level, stylename=self.style(key)), block.text))

    def paragraph(self, block: Paragraph, keep: bool, first: bool) -> None:
        key = {"normal": "body"}.get(block.style, block.style)
        chunks = [c for c in block.text.split("\n\n") if c.strip()] or [""]
        for number, chunk in enumerate(chunks):
            last = number == len(chunks) - 1
            style = self.style(key, keep=keep or (not last and key in _BLOCKS), first=first)
            paragraph = P(stylename=style)
            if key == "sender" and first:
                paragraph.addElement(_text(Span(stylename=self.styles.bold), chunk))
            else:
                _text(paragraph, chunk)
            if is_rtl(chunk):
                paragraph.setAttribute("stylename", self.styles.variant("rtl", key,
                                       writingmode="rl-tb", textalign="end"))  # fmt: skip
            self.add(paragraph)

    def field(self, block: FieldLine) -> None:
        paragraph = P(stylename=self.style("body"))
        paragraph.addElement(_text(Span(stylename=self.styles.bold), f"{block.label} : "))
        self.add(_text(paragraph, block.value))

    def bullet(self, block: Bullet, continues: bool) -> None:
        if not continues or self.list is None:
            style = self.styles.boxes if block.checkbox else self.styles.bullets
            self.list = List(stylename=style)
            self.add(self.list)
        item = ListItem()
        item.addElement(_text(P(stylename=self.style("list")), block.text))
        self.list.addElement(item)

    def table(self, block: Table) -> None:
        self.tables += 1
        table_style, columns = self.styles.table_styles(self.tables, block)
        if self.page_break:
            table_style.firstChild.setAttribute("breakbefore", "page")
            self.page_break = False
        row_style, cell_style, head_style = self.styles.cell_styles()
        table = OdfTable(name=f"Tableau{self.tables}", stylename=table_style)
        for column in columns:
            table.addElement(TableColumn(stylename=column))
        header = TableHeaderRows()  # repeated at the top of each page
        header.addElement(self._row(block.header, row_style, head_style, "cell_head", block))
        table.addElement(header)
        for values in block.rows:
            table.addElement(self._row(values, row_style, cell_style, "cell", block))
        if block.total is not None:
            table.addElement(self._row(block.total, row_style, cell_style, "total", block))
        self.add(table)

    def _row(
        self, values: tuple[str, ...], row_style: Style, cell: Style, key: str, block: Table
    ) -> TableRow:
        row = TableRow(stylename=row_style)
        for column, value in enumerate(values):
            table_cell = TableCell(valuetype="string", stylename=cell)
            paragraph_key = "cell_head" if key != "cell" else "cell"
            style = self.styles.named[paragraph_key]
            if block.right_aligned(column):
                style = self.styles.variant("right", paragraph_key, textalign="end")
            table_cell.addElement(_text(P(stylename=style), value))
            row.addElement(table_cell)
        return row


def render_odt(outline: Outline) -> bytes:
    doc = OpenDocumentText()
    doc.meta.addElement(dc.Language(text=layout.LOCALE))
    doc.meta.addElement(dc.Title(text=outline.title[:250]))
    styles = _Styles(doc)
    _page(doc, styles, outline)
    writer = _Writer(doc, styles)
    blocks = list(outline.blocks)
    previous: Block | None = None
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if isinstance(block, Heading):
            writer.heading(block)
        elif isinstance(block, Paragraph):
            first = not (isinstance(previous, Paragraph) and previous.style == block.style)
            writer.paragraph(block, keeps_with_next(block, following), first)
        elif isinstance(block, FieldLine):
            writer.field(block)
        elif isinstance(block, Bullet):
            continues = isinstance(previous, Bullet) and previous.checkbox == block.checkbox
            writer.bullet(block, continues)
        elif isinstance(block, PageBreak):
            writer.page_break = True
        else:
            writer.table(block)
        previous = block
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()
