"""`care-bot draft …`: documents from an answers file; invalid answers → exit 2, no file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from docx import Document

from bot.cli import main
from tests.cli.cli_runner import run_cli

ROOT = Path(__file__).resolve().parents[2]
FICHE = ROOT / "examples" / "fiche_projet.yaml"
LETTRE = ROOT / "examples" / "lettre_engagement.yaml"


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CARE_KNOWLEDGE_DIR", str(ROOT / "knowledge"))
    monkeypatch.setenv("CARE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["draft", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def broken_copy(tmp_path: Path, **changes: object) -> Path:
    answers = yaml.safe_load(FICHE.read_text(encoding="utf-8"))
    for key, value in changes.items():
        section, _, field = key.partition("__")
        if field:
            answers[section][field] = value
        elif value is None:
            answers.pop(section)
        else:
            answers[section] = value
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    return path


def test_fiche_projet_docx(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "fiche-projet", "--answers", str(FICHE), "-o", "fiche.docx")
    assert code == 0, err
    assert "Document enregistré" in out
    document = Document(str(workdir / "fiche.docx"))
    style = document.paragraphs[0].style
    assert style is not None and style.name == "Title"


@pytest.mark.parametrize("fmt, suffix", [("odt", ".odt"), ("md", ".md"), ("markdown", ".md")])
def test_lettre_engagement_formats_and_default_name(
    workdir: Path, capsys: pytest.CaptureFixture[str], fmt: str, suffix: str
) -> None:
    code, _, err = run(
        capsys, "lettre-engagement", "--answers", str(LETTRE), "--format", fmt, "-o", str(workdir)
    )
    assert code == 0, err
    produced = list(workdir.glob(f"lettre-engagement-*{suffix}"))
    assert [p.name for p in produced] == [
        "lettre-engagement-securisation-des-sauvegardes-et-plan-de-reprise-d-activite" + suffix
    ]


def test_invalid_answers_exit_2_and_write_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = broken_copy(
        workdir,
        etablissement__finess_ej="770001239",
        etablissement__siret="26770123400011",
        budget=[{"poste": "x", "montant_ht": "-1", "financement_demande": 0}],
    )
    for extra in ((), ("--allow-incomplete",)):
        code, _, err = run(
            capsys, "fiche-projet", "--answers", str(answers), "-o", "f.docx", *extra
        )
        assert code == 2
        assert "Le document n'a pas été produit" in err
        assert "etablissement.finess_ej — FINESS juridique (EJ) : la clé de contrôle" in err
        assert "etablissement.siret — SIRET" in err
        assert "budget[0].montant_ht — Budget prévisionnel n° 1 — Montant HT (€)" in err
        assert not (workdir / "f.docx").exists()
        assert not list(workdir.glob(".care-draft-*"))


def test_missing_fields_need_allow_incomplete(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = broken_copy(workdir, suivi=None, gouvernance=None)
    code, _, err = run(capsys, "fiche-projet", "--answers", str(answers), "-o", "f.docx")
    assert code == 2 and not (workdir / "f.docx").exists()
    assert "Champs obligatoires manquants (2)" in err and "--allow-incomplete" in err
    code, _, err = run(
        capsys, "fiche-projet", "--answers", str(answers), "-o", "f.docx", "--allow-incomplete"
    )
    assert code == 0, err
    assert "2 champ(s) à compléter" in err
    texts = [p.text for p in Document(str(workdir / "f.docx")).paragraphs]
    assert "☐ Gouvernance et équipe projet" in texts and "☐ Suivi et évaluation" in texts


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfetitre", "n'est pas encodé en UTF-8"),
        (b"titre: [\n", "n'est pas un fichier YAML ou JSON valide"),
        (b"- une liste\n", "doit contenir des rubriques"),
    ],
)
def test_bad_answers_files(
    workdir: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    (workdir / "bad.yaml").write_bytes(content)
    code, _, err = run(capsys, "fiche-projet", "--answers", "bad.yaml", "-o", "f.docx")
    assert code == 2 and message in err and "Traceback" not in err
    assert not (workdir / "f.docx").exists()


def test_usage_errors(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "fiche-projet", "--answers", "absent.yaml")
    assert code == 2 and "Impossible de lire le fichier de réponses" in err
    code, _, err = run(capsys, "fiche-projet", "--answers", str(FICHE), "-f", "pdf")
    assert code == 2 and "docx, odt ou md" in err
    code, _, err = run(
        capsys, "fiche-projet", "--answers", str(FICHE), "-f", "odt", "-o", "x.docx"
    )
    assert code == 2 and "ne correspond pas" in err
    code, _, err = run(capsys, "fiche-projet", "--answers", str(FICHE), "-o", "nope/x.docx")
    assert code == 2 and "n'existe pas" in err


def test_real_entry_point(workdir: Path) -> None:
    env = {**os.environ, "CARE_KNOWLEDGE_DIR": str(ROOT / "knowledge")}
    args = ["draft", "fiche-projet", "--answers", str(FICHE), "-o", str(workdir / "out.md")]
    result = run_cli(args, env)
    assert result.returncode == 0, result.stderr
    assert (workdir / "out.md").read_text("utf-8").startswith("> **PROJET")


def test_output_rules_through_the_command(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "fiche-projet", "-a", str(FICHE), "-o", "sortie/")
    assert code == 0, err
    (written,) = (workdir / "sortie").iterdir()
    assert written.name.startswith("fiche-projet-securisation") and written.suffix == ".docx"
    before = written.read_bytes()
    code, _, err = run(capsys, "fiche-projet", "-a", str(FICHE), "-o", "sortie")
    assert code == 2 and "existe déjà" in err and "--force" in err
    assert written.read_bytes() == before
    code, _, err = run(capsys, "fiche-projet", "-a", str(FICHE), "-o", "sortie", "--force")
    assert code == 0, err
    code, _, err = run(capsys, "fiche-projet", "-a", str(FICHE), "-o", "fiche.pdf")
    assert code == 2 and "Je ne produis pas de fichier .pdf" in err
    assert not (workdir / "fiche.pdf").exists()
    code, _, err = run(capsys, "lettre-engagement", "-a", str(LETTRE), "-o", "lettre")
    assert code == 0 and (workdir / "lettre.docx").is_file()
    os.symlink("/etc/passwd", workdir / "lien.odt")
    code, _, err = run(capsys, "lettre-engagement", "-a", str(LETTRE), "-o", "lien.odt", "--force")
    assert code == 2 and "lien symbolique" in err and "Traceback" not in err


def test_patient_data_in_an_answers_file_is_refused_without_echo(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = broken_copy(
        workdir, contexte="Le dossier de DUPONT Jean 12/03/1956 a été chiffré par le rançongiciel."
    )
    code, out, err = run(capsys, "fiche-projet", "-a", str(answers), "-o", "f.docx")
    assert code == 2
    assert "données de patient (rubriques : contexte)" in err
    assert "DUPONT" not in err + out and not (workdir / "f.docx").exists()
