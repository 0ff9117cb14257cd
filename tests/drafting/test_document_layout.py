"""The documents are French A4 documents: page size and margins, fr-FR language (styles and
runs), « Page N sur M » fields, tables that keep their columns and header, one bullet per list
item, the letter's annexes on a new page — checked in the DOCX and the ODT themselves, and,
when LibreOffice and poppler are installed, on the PDF LibreOffice makes of them."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any
from xml.dom import minidom

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from odf import style as odf_style
from odf import table as odf_table
from odf import teletype
from odf import text as odf_text
from odf.opendocument import load as load_odt

from drafting import DossierDrafter

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
INTERNAL_ID = re.compile(r"\b(?:care|instruction|faq|pgssi)-[a-z0-9-]+\b|\.j2\b|_engagement\b")


def render(
    tmp_path: Path, drafter: DossierDrafter, doc_type: str, answers: dict[str, Any], fmt: str
) -> Path:
    document = drafter.render(doc_type, answers, fmt)  # type: ignore[arg-type]
    path = tmp_path / f"{doc_type}.{fmt}"
    path.write_bytes(document.content)
    return path


# -- DOCX ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("doc_type", ["fiche_projet", "lettre_engagement"])
def test_docx_is_a_french_a4_document(
    tmp_path: Path, drafter: DossierDrafter, doc_type: str, fiche: dict[str, Any],
    lettre: dict[str, Any],
) -> None:  # fmt: skip
    answers = fiche if doc_type == "fiche_projet" else lettre
    path = render(tmp_path, drafter, doc_type, answers, "docx")
    document = Document(str(path))
    section = document.sections[0]
    width, height = section.page_width or 0, section.page_height or 0
    assert abs(width - Cm(21)) < Cm(0.01) and abs(height - Cm(29.7)) < Cm(0.01)
    assert Cm(1.5) <= (section.left_margin or 0) <= Cm(2.5)
    assert Cm(1.5) <= (section.top_margin or 0)
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert defaults is not None and defaults.get(qn("w:val")) == "fr-FR"
    for style in document.styles:
        lang = style.element.find(f"{W}rPr/{W}lang")
        if style.element.get(qn("w:type")) == "paragraph":
            assert lang is not None and lang.get(qn("w:val")) == "fr-FR", style.name
    runs = list(document.element.body.iter(f"{W}r"))
    assert runs and all(r.find(f"{W}rPr/{W}lang").get(qn("w:val")) == "fr-FR" for r in runs)
    settings = document.settings.element
    assert settings.find(f"{W}themeFontLang").get(qn("w:val")) == "fr-FR"
    assert settings.find(f"{W}proofState") is None  # Word checks the spelling, in French
    assert document.core_properties.language == "fr-FR"
    footer = section.footer._element
    fields = [t.text.strip() for t in footer.iter(f"{W}instrText")]
    assert fields == ["PAGE", "NUMPAGES"]
    assert "".join(t.text or "" for t in footer.iter(f"{W}t")).endswith("Page 1 sur 1")


def test_docx_tables_keep_their_columns_and_header(
    tmp_path: Path, drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    document = Document(str(render(tmp_path, drafter, "fiche_projet", fiche, "docx")))
    budget = next(t for t in document.tables if t.rows[0].cells[0].text == "Poste de dépense")
    properties = budget._tbl.tblPr
    assert properties.find(f"{W}tblLayout").get(qn("w:type")) == "fixed"
    widths = [int(g.get(qn("w:w"))) for g in budget._tbl.tblGrid.findall(f"{W}gridCol")]
    assert abs(sum(widths) / 567 - 16.8) < 0.05  # the text width, in twips
    assert min(widths) / 567 > 2.5  # « Financement demandé » fits: never « Financemen t »
    for row in budget.rows:
        assert row._tr.trPr.find(f"{W}cantSplit") is not None
    header_properties = budget.rows[0]._tr.trPr
    assert header_properties is not None
    header = header_properties.find(f"{W}tblHeader")
    assert header is not None and header.get(qn("w:val")) == "true"
    amounts = budget.rows[1].cells[1].paragraphs[0]
    assert amounts.alignment is not None and int(amounts.alignment) == 2  # right
    everything = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    assert INTERNAL_ID.search(everything) is None


def test_docx_letter_annexes_start_on_a_new_page(
    tmp_path: Path, drafter: DossierDrafter, lettre: dict[str, Any]
) -> None:
    document = Document(str(render(tmp_path, drafter, "lettre_engagement", lettre, "docx")))
    paragraphs = document.paragraphs
    texts = [p.text for p in paragraphs]
    annex = texts.index("Annexe 1 — Traçabilité des engagements")
    assert paragraphs[annex].paragraph_format.page_break_before is True
    assert [p.paragraph_format.page_break_before for p in paragraphs[:annex]].count(True) == 0
    signature = texts.index("Fait à Montville, le 15 janvier 2026")
    assert signature < annex and texts[annex - 1] == "Claire Martin"
    block = paragraphs[signature - 1 : annex - 1]  # closing formula → last line but one
    assert all(p.paragraph_format.keep_with_next for p in block)
    everything = "\n".join(
        texts + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    assert INTERNAL_ID.search(everything) is None


# -- ODT ----------------------------------------------------------------------------------------
def _styles_by_name(doc: Any) -> dict[str, Any]:
    found = {}
    for family in (doc.styles, doc.automaticstyles):
        for element in family.getElementsByType(odf_style.Style):
            found[element.getAttribute("name")] = element
    return found


def _property(style: Any, element_type: Any, name: str) -> str | None:
    for element in style.getElementsByType(element_type):
        value = element.getAttribute(name)
        if value:
            return str(value)
    return None


@pytest.mark.parametrize("doc_type", ["fiche_projet", "lettre_engagement"])
def test_odt_is_a_french_a4_document(
    tmp_path: Path, drafter: DossierDrafter, doc_type: str, fiche: dict[str, Any],
    lettre: dict[str, Any],
) -> None:  # fmt: skip
    answers = fiche if doc_type == "fiche_projet" else lettre
    path = render(tmp_path, drafter, doc_type, answers, "odt")
    with zipfile.ZipFile(path) as archive:
        for part in ("content.xml", "styles.xml", "meta.xml"):
            xml = archive.read(part).decode("utf-8")
            minidom.parseString(xml)  # well-formed
            assert re.search(r"\sns\d+:", xml) is None, part  # no attribute odfpy did not know
    doc = load_odt(str(path))
    (page,) = doc.automaticstyles.getElementsByType(odf_style.PageLayout)
    (properties,) = page.getElementsByType(odf_style.PageLayoutProperties)
    assert properties.getAttribute("pagewidth") == "21.00cm"
    assert properties.getAttribute("pageheight") == "29.70cm"
    (default,) = doc.styles.getElementsByType(odf_style.DefaultStyle)
    (text_properties,) = default.getElementsByType(odf_style.TextProperties)
    assert (text_properties.getAttribute("language"), text_properties.getAttribute("country")) == (
        "fr",
        "FR",
    )
    with zipfile.ZipFile(path) as archive:
        assert "<dc:language>fr-FR</dc:language>" in archive.read("meta.xml").decode("utf-8")
    footer = doc.masterstyles.getElementsByType(odf_style.Footer)[0]
    assert footer.getElementsByType(odf_text.PageNumber)
    assert footer.getElementsByType(odf_text.PageCount)
    assert teletype.extractText(footer.getElementsByType(odf_text.P)[-1]) == "Page 1 sur 1"
    styles = _styles_by_name(doc)
    for name in ("Heading_20_1", "Heading_20_2", "Title", "Sender"):
        assert _property(styles[name], odf_style.ParagraphProperties, "keepwithnext") == "always"
    items = [teletype.extractText(i) for i in doc.getElementsByType(odf_text.ListItem)]
    assert items and not any(i.startswith(("•", "☐")) for i in items)  # the list style draws it
    bullets = [
        b.getAttribute("bulletchar") for b in doc.getElementsByType(odf_text.ListLevelStyleBullet)
    ]
    assert bullets == ["•", "☐"]


def test_odt_tables_and_letter_annexes(
    tmp_path: Path, drafter: DossierDrafter, fiche: dict[str, Any], lettre: dict[str, Any]
) -> None:
    doc = load_odt(str(render(tmp_path, drafter, "fiche_projet", fiche, "odt")))
    styles = _styles_by_name(doc)
    for table in doc.getElementsByType(odf_table.Table):
        (header,) = table.getElementsByType(odf_table.TableHeaderRows)  # repeated on each page
        assert len(header.getElementsByType(odf_table.TableRow)) == 1
        widths = [
            float(_property(styles[c.getAttribute("stylename")], odf_style.TableColumnProperties,
                            "columnwidth").removesuffix("cm"))  # type: ignore[union-attr]
            for c in table.getElementsByType(odf_table.TableColumn)
        ]  # fmt: skip
        assert abs(sum(widths) - 16.8) < 0.05
        for row in table.getElementsByType(odf_table.TableRow):
            row_style = styles[row.getAttribute("stylename")]
            assert _property(row_style, odf_style.TableRowProperties, "keeptogether") == "always"
    doc = load_odt(str(render(tmp_path, drafter, "lettre_engagement", lettre, "odt")))
    styles = _styles_by_name(doc)
    blocks = [(b.getAttribute("stylename"), teletype.extractText(b)) for b in doc.text.childNodes
              if b.qname[1] in ("p", "h")]  # fmt: skip
    breaks = [
        text
        for style, text in blocks
        if _property(styles[style], odf_style.ParagraphProperties, "breakbefore") == "page"
    ]
    assert breaks == ["Annexe 1 — Traçabilité des engagements"]
    texts = [text for _, text in blocks]
    assert texts.index("Claire Martin") < texts.index(breaks[0])
    assert INTERNAL_ID.search("\n".join(texts)) is None


# -- on paper: LibreOffice → PDF ----------------------------------------------------------------
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


def pdf_pages(tmp_path: Path, source: Path) -> list[str]:
    """The text of each page of the PDF LibreOffice makes of ``source``."""
    assert SOFFICE is not None and PDFTOTEXT is not None
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "pdf"), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "pdf" / f"{source.stem}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    assert "(A4)" in info.stdout, info.stdout
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


@pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None or shutil.which("pdfinfo") is None,
    reason="LibreOffice (soffice) and poppler-utils are needed to count pages on paper",
)
@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_the_letter_fits_one_page_and_its_annexes_follow(
    tmp_path: Path, drafter: DossierDrafter, lettre: dict[str, Any], fmt: str
) -> None:
    pages = pdf_pages(tmp_path, render(tmp_path, drafter, "lettre_engagement", lettre, fmt))
    letter, *annexes = pages
    assert "Lettre d'engagement" in letter and "Fait à Montville, le 15 janvier 2026" in letter
    assert "Claire Martin" in letter.split("Fait à")[1]  # the signatory on the same page
    assert "Annexe" not in letter
    assert "Annexe 1 — Traçabilité des engagements" in annexes[0]
    total = len(pages)
    assert all(f"Page {n} sur {total}" in page for n, page in enumerate(pages, start=1))
