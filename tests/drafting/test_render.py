"""Rendering to DOCX, ODT and Markdown, read back with python-docx / odfpy / plain text."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from odf import table as odf_table
from odf import teletype
from odf import text as odf_text
from odf.opendocument import load as load_odt

from drafting import DRAFT_HEADER, AnswersRejected, DossierDrafter, RenderedDocument, safe_filename

INJECTIONS = [
    "{{ 7*7 }}",
    "{% if true %}oui{% endif %}",
    "{{ ''.__class__.__mro__ }}",
    "<w:t>balise</w:t>",
    "</w:p><w:p>",
    "A & B < C > D \"E\" 'F'",
    "@h1 pas un titre",
    "| cellule | factice |",
    "# pas un titre",
    "\ue0000\ue001",  # what the outline's own tokens look like
    "🔐🏥✅",
    "מערכת גיבוי",
    "نظام النسخ الاحتياطي",
]
LONG = ("Paragraphe très long sur la continuité d'activité. " * 100)[:5000]


def write(tmp_path: Path, document: RenderedDocument) -> Path:
    path = tmp_path / document.filename
    path.write_bytes(document.content)
    return path


def docx_text(path: Path) -> tuple[list[tuple[str, str]], list[list[list[str]]]]:
    doc = Document(str(path))
    paragraphs = [(p.style.name if p.style else "", p.text) for p in doc.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in doc.tables]
    return paragraphs, tables


def odt_text(path: Path) -> tuple[list[tuple[str, str]], list[list[list[str]]], list[str]]:
    doc = load_odt(str(path))
    blocks = [
        (element.getAttribute("stylename") or "", teletype.extractText(element))
        for element in doc.text.childNodes
        if element.qname[1] in ("p", "h")
    ]
    tables = [
        [
            [teletype.extractText(cell) for cell in row.getElementsByType(odf_table.TableCell)]
            for row in t.getElementsByType(odf_table.TableRow)
        ]
        for t in doc.getElementsByType(odf_table.Table)
    ]
    page = [teletype.extractText(p) for p in doc.masterstyles.getElementsByType(odf_text.P)]
    return blocks, tables, page


def md_unescape(text: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


# -- DOCX ---------------------------------------------------------------------------------------
def test_docx_fiche_projet(tmp_path: Path, drafter: DossierDrafter, fiche: dict[str, Any]) -> None:
    document = drafter.render("fiche_projet", fiche, "docx")
    assert document.mime.endswith("wordprocessingml.document")
    path = write(tmp_path, document)
    paragraphs, tables = docx_text(path)
    styles = dict((text, style) for style, text in paragraphs)
    assert styles[fiche["titre"]] == "Title"
    assert styles["1. Établissement porteur"] == "Heading 1"
    assert styles["Représentant légal"] == "Heading 2"
    assert "Raison sociale : Centre hospitalier de Montville" in styles
    assert (
        "Rôle dans le GHT : Établissement support du GHT (pour le compte du groupement)" in styles
    )
    objectives, milestones, budget, plan = tables
    assert objectives[0] == ["Objectif", "Indicateur", "Cible", "Échéance"]
    assert objectives[1][3] == "30/06/2026"
    assert milestones[1:] == [
        ["Lancement du projet en comité de pilotage", "02/02/2026"],
        ["Analyses d'impact (BIA) terminées", "31/03/2026"],
        ["PCRA validé par le directoire", "30/06/2026"],
        ["Test de restauration du DPI", "30/09/2026"],
    ]
    nb = "\u202f"
    assert budget[1] == [
        "Solution de sauvegarde immuable hors site",
        f"48{nb}000,00 €",
        f"9{nb}600,00 € (20 %)",
        f"57{nb}600,00 €",
        f"45{nb}000,00 €",
    ]
    assert budget[-1] == [
        "Total",
        f"66{nb}500,50 €",
        f"12{nb}100,10 €",
        f"78{nb}600,60 €",
        f"61{nb}000,00 €",
    ]
    assert plan[-2] == ["Reste à la charge de l'établissement", f"12{nb}600,60 €"]
    assert plan[-1] == ["Coût total TTC", f"78{nb}600,60 €"]
    doc = Document(str(path))
    assert doc.sections[0].header.paragraphs[0].text == DRAFT_HEADER
    footer = doc.sections[0].footer.paragraphs[0].text
    assert "28 novembre 2026" in footer and "« Fiche projet » v1.1" in footer
    assert "spécification 2026.2" in footer and ".j2" not in footer
    assert doc.core_properties.title == fiche["titre"]
    texts = [text for _, text in paragraphs]
    assert "Champs à compléter avant diffusion" not in texts  # nothing is missing
    assert objectives[1][0].endswith("continuité et de la reprise d'activité [1]")
    assert (
        "[1] Domaine 2 (D2) de CaRE — stratégie de continuité et de reprise d'activité (arrêté du "
        "3 juillet 2025)\nhttps://esante.gouv.fr/espace-presse/" in "\n".join(texts)
    )


def test_docx_lettre_engagement(
    tmp_path: Path, drafter: DossierDrafter, lettre: dict[str, Any]
) -> None:
    paragraphs, tables = docx_text(write(tmp_path, drafter.render("lettre_engagement", lettre)))
    texts = [text for _, text in paragraphs]
    assert texts[:5] == [
        "Centre hospitalier de Montville",
        "12 avenue des Tilleuls, 77100 Montville",
        "FINESS EJ 770001238 · SIRET 26770123300012",
        "Monsieur le directeur général",
        "de l'ARS Île-de-France",
    ]
    assert texts[5] == "Lettre d'engagement"
    assert texts[6].startswith("Objet : engagement du Centre hospitalier de Montville pour")
    assert texts[7] == "Monsieur le directeur général,"
    assert texts[8] == (
        "Je soussignée Claire Martin, directrice générale, représentante légale du Centre "
        "hospitalier de Montville, établissement support du GHT Seine-et-Forêts, m'engage, pour "
        "le compte du groupement, à :"
    )
    bullets = [t for style, t in paragraphs if style == "List Bullet" and not t.startswith("[")]
    assert any(b.startswith("accepter les opérations de contrôle") for b in bullets)
    assert bullets[-1] == "présenter un bilan d'avancement semestriel au conseil de surveillance."
    assert all(b.endswith(" ;") for b in bullets[:-1])
    assert (
        "Je vous prie d'agréer, Monsieur le directeur général, l'expression de ma considération "
        "distinguée." in texts
    )
    assert (
        "Pour conduire ce projet, je désigne comme chef de projet Karim Benali, responsable de "
        "la sécurité des systèmes d'information (RSSI) (karim.benali@ch-montville.fr, 01 64 00 12 "
        "34)." in texts
    )
    signature = texts.index("Fait à Montville, le 15 janvier 2026")
    assert texts[signature + 1 : signature + 4] == [
        "Directrice générale",
        "(signature et cachet de l'établissement)",
        "Claire Martin",
    ]
    traceability = tables[0]
    assert traceability[0] == ["Engagement", "Fondement"]
    assert len(traceability) == 1 + len(lettre["engagements"])
    bases = {row[1] for row in traceability[1:]}
    assert "Pratique usuelle (non issue d'un texte officiel)" in bases
    assert "Modalités de financement du programme CaRE [1]" in bases


# -- ODT ---------------------------------------------------------------------------------------
def test_odt_fiche_projet(tmp_path: Path, drafter: DossierDrafter, fiche: dict[str, Any]) -> None:
    document = drafter.render("fiche_projet", fiche, "odt")
    assert document.filename.endswith(".odt")
    path = write(tmp_path, document)
    with zipfile.ZipFile(path) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    blocks, tables, page = odt_text(path)
    assert ("Title", fiche["titre"]) in blocks
    assert ("Heading_20_1", "6. Budget prévisionnel") in blocks
    assert ("Heading_20_2", "Plan de financement") in blocks
    nb = "\u202f"
    assert tables[2][-1] == [
        "Total",
        f"66{nb}500,50 €",
        f"12{nb}100,10 €",
        f"78{nb}600,60 €",
        f"61{nb}000,00 €",
    ]
    assert tables[0][1][0].startswith("D2.O1 — Gouvernance")
    assert page[0] == DRAFT_HEADER
    assert page[1].startswith("Brouillon généré le 28 novembre 2026")
    assert page[2] == "Page 1 sur 1"  # fields, computed by the word processor
    texts = [text for _, text in blocks]
    assert texts[texts.index("2. Contexte et enjeux") + 1].startswith("Le centre hospitalier")
    assert texts[texts.index("2. Contexte et enjeux") + 2].startswith("Le projet s'inscrit")


def test_line_breaks_and_paragraphs_are_kept(
    tmp_path: Path, drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    fiche["contexte"] = "ligne 1\nligne 2\n\nparagraphe 2"
    paragraphs, _ = docx_text(write(tmp_path, drafter.render("fiche_projet", fiche)))
    assert [t for _, t in paragraphs if t.startswith(("ligne", "paragraphe"))] == [
        "ligne 1\nligne 2",
        "paragraphe 2",
    ]
    blocks, _, _ = odt_text(write(tmp_path, drafter.render("fiche_projet", fiche, "odt")))
    assert [t for _, t in blocks if t.startswith(("ligne", "paragraphe"))] == [
        "ligne 1\nligne 2",
        "paragraphe 2",
    ]
    markdown = write(tmp_path, drafter.render("fiche_projet", fiche, "md")).read_text("utf-8")
    assert "ligne 1\\\nligne 2\n\nparagraphe 2" in markdown


def test_odt_lettre_engagement(
    tmp_path: Path, drafter: DossierDrafter, lettre: dict[str, Any]
) -> None:
    blocks, tables, _ = odt_text(
        write(tmp_path, drafter.render("lettre_engagement", lettre, "odt"))
    )
    assert ("Letter_20_Title", "Lettre d'engagement") in blocks
    assert tables[0][0] == ["Engagement", "Fondement"]


# -- Markdown ----------------------------------------------------------------------------------
def test_markdown_fiche_projet(
    tmp_path: Path, drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    document = drafter.render("fiche_projet", fiche, "md")
    text = write(tmp_path, document).read_text(encoding="utf-8")
    assert text.startswith(f"> **{DRAFT_HEADER}**")
    assert f"\n# {md_unescape(fiche['titre'])}\n" in md_unescape(text)
    assert "\n## 6. Budget prévisionnel\n" in text
    assert "| **Total** | **66\u202f500,50 €** |" in text
    assert "*Brouillon généré le 28 novembre 2026" in text
    assert "| Poste de dépense | Montant HT | TVA | Montant TTC | Financement demandé |" in text
    assert "|---|---:|---:|---:|---:|" in text


# -- user text is literal in every format -------------------------------------------------------
@pytest.fixture
def hostile(fiche: dict[str, Any]) -> dict[str, Any]:
    fiche["titre"] = "Projet {{ 7*7 }} <w:t> & 🔐"
    fiche["contexte"] = "\n".join(INJECTIONS)
    fiche["perimetre"] = LONG
    fiche["objectifs"][1]["intitule"] = "{% for x in range(3) %}boucle{% endfor %} | <b>"
    fiche["calendrier"][0]["jalon"] = "نظام النسخ الاحتياطي — {{ jalon }}"
    fiche["budget"][0]["poste"] = "Poste <w:t>&amp; {{ 1+1 }}</w:t>"
    fiche["pieces_jointes"] = ["@li fausse puce", "- [ ] pas une case"]
    fiche["risques"] = "מערכת גיבוי — סיכון"
    return fiche


def expected_strings(answers: dict[str, Any]) -> list[str]:
    return [
        *INJECTIONS,
        LONG,
        answers["titre"],
        answers["objectifs"][1]["intitule"],
        answers["calendrier"][0]["jalon"],
        answers["budget"][0]["poste"],
        "@li fausse puce",
        "- [ ] pas une case",
    ]


def test_injections_are_literal_in_docx(
    tmp_path: Path, drafter: DossierDrafter, hostile: dict[str, Any]
) -> None:
    paragraphs, tables = docx_text(write(tmp_path, drafter.render("fiche_projet", hostile)))
    everything = "\n".join([t for _, t in paragraphs] + [c for t in tables for r in t for c in r])
    for expected in expected_strings(hostile):
        assert expected in everything, expected
    assert "49" not in everything.replace("2049", "")
    assert "boucleboucleboucle" not in everything
    doc = Document(str(tmp_path / safe_filename(hostile["titre"], "fiche_projet", "docx")))
    rtl = [p for p in doc.paragraphs if p.text == hostile["risques"]]
    properties = rtl[0]._p.pPr if rtl else None
    assert properties is not None and properties.find(qn("w:bidi")) is not None  # right-to-left
    assert ("Heading 1", "7. Risques et mesures de maîtrise") in paragraphs


def test_injections_are_literal_in_odt(
    tmp_path: Path, drafter: DossierDrafter, hostile: dict[str, Any]
) -> None:
    blocks, tables, _ = odt_text(write(tmp_path, drafter.render("fiche_projet", hostile, "odt")))
    everything = "\n".join([t for _, t in blocks] + [c for t in tables for r in t for c in r])
    bullets = load_odt(str(tmp_path / safe_filename(hostile["titre"], "fiche_projet", "odt")))
    items = [teletype.extractText(i) for i in bullets.getElementsByType(odf_text.ListItem)]
    everything += "\n" + "\n".join(items)
    for expected in expected_strings(hostile):
        assert expected in everything, expected
    assert any(style.startswith("rtl") and text == hostile["risques"] for style, text in blocks)


def test_injections_are_literal_in_markdown(
    tmp_path: Path, drafter: DossierDrafter, hostile: dict[str, Any]
) -> None:
    raw = write(tmp_path, drafter.render("fiche_projet", hostile, "md")).read_text("utf-8")
    text = md_unescape(raw)
    for expected in expected_strings(hostile):
        if expected == hostile["objectifs"][1]["intitule"]:
            continue  # a table cell: checked below without the cell escaping
        assert expected in text, expected
    assert "{% for x in range(3) %}boucle{% endfor %} \\| <b>" in raw.replace("\\<", "<").replace(
        "\\>", ">"
    )
    assert "\n<w:t>" not in raw and "\n# pas un titre" not in raw and "\n@li" not in raw
    assert "\\<w:t\\>" in raw  # escaped, so not read as HTML


def test_control_characters_do_not_break_the_xml(
    tmp_path: Path, drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    fiche["risques"] = "NUL\x00 BEL\x07 VT\x0b fin\r\nligne"
    paths = {
        fmt: write(tmp_path, drafter.render("fiche_projet", fiche, fmt))  # type: ignore[arg-type]
        for fmt in ("docx", "odt", "md")
    }
    paragraphs, _ = docx_text(paths["docx"])
    assert ("Normal", "NUL BEL VT fin\nligne") in paragraphs
    blocks, _, _ = odt_text(paths["odt"])
    assert any(text == "NUL BEL VT fin\nligne" for _, text in blocks)
    assert "NUL BEL VT fin\\\nligne" in paths["md"].read_text("utf-8")


# -- missing and invalid -------------------------------------------------------------------------
def test_missing_fields_are_listed_on_the_first_page(
    tmp_path: Path, drafter: DossierDrafter, fiche: dict[str, Any]
) -> None:
    del fiche["suivi"], fiche["budget"]
    fiche["etablissement"].pop("finess_ej")
    with pytest.raises(AnswersRejected):
        drafter.render("fiche_projet", fiche)
    document = drafter.render("fiche_projet", fiche, "docx", allow_incomplete=True)
    paragraphs, tables = docx_text(write(tmp_path, document))
    texts = [text for _, text in paragraphs]
    heading = texts.index("Champs à compléter avant diffusion")
    assert heading < texts.index("1. Établissement porteur")
    assert texts[heading + 1 : heading + 4] == [
        "☐ FINESS juridique (EJ)",
        "☐ Budget prévisionnel",
        "☐ Suivi et évaluation",
    ]
    assert "FINESS juridique (EJ) : [à compléter]" in texts
    assert len(tables) == 2  # no budget tables


def test_invalid_values_are_never_rendered(drafter: DossierDrafter, fiche: dict[str, Any]) -> None:
    fiche["etablissement"]["finess_ej"] = "770001239"
    with pytest.raises(AnswersRejected) as caught:
        drafter.render("fiche_projet", fiche, allow_incomplete=True)
    assert "etablissement.finess_ej" in caught.value.user_message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Sauvegardes — CH Saint-Œuf", "fiche-projet-sauvegardes-ch-saint-oeuf.docx"),
        ("../../etc/passwd", "fiche-projet-etc-passwd.docx"),
        ("C:\\Windows\\system32", "fiche-projet-c-windows-system32.docx"),
        ("נתונים", "fiche-projet.docx"),
        ("", "fiche-projet.docx"),
        (None, "fiche-projet.docx"),
        ("a" * 500, "fiche-projet-" + "a" * 60 + ".docx"),
    ],
)
def test_safe_file_names(title: str | None, expected: str) -> None:
    name = safe_filename(title, "fiche_projet", "docx")
    assert name == expected
    assert "/" not in name and "\\" not in name and not name.startswith(".")
