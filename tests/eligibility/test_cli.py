"""``care-bot eligibility`` through the real entry point ``main`` (tests/cli/test_cli_startup.py
runs ``python -m bot`` itself)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from agent.store import SqliteStore
from bot.cli import main
from tests.cli.cli_runner import CliRun, run_cli
from tests.eligibility.conftest import PROFILES_DIR

RESULT_KEYS = [
    "dispositif",
    "verdict",
    "window",
    "reasons",
    "missing",
    "objectives",
    "deadlines",
    "sources",
]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("CARE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CARE_KNOWLEDGE_DIR", raising=False)


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["eligibility", *args, "--as-of", "2026-11-28", "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_json_output_shape(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--profile", str(PROFILES_DIR / "ght_support.yaml"))
    assert list(data) == ["as_of", "rules_version", "results", "obligations"]
    assert (data["as_of"], data["rules_version"]) == ("2026-11-28", "2026.2")
    assert [r["dispositif"] for r in data["results"]] == [
        "D1",
        "D1bis",
        "D2",
        "HospiConnect",
        "exercice_crise",
    ]
    assert all(list(r) == RESULT_KEYS for r in data["results"])
    d2 = data["results"][2]
    assert (d2["verdict"], d2["window"]) == ("eligible", "ferme")  # exactly 66 %
    assert d2["objectives"] == []
    assert len(data["obligations"]) == 8


@pytest.mark.parametrize(
    ("name", "verdicts"),
    [
        ("es_prive_lucratif.yaml", {"D1": "eligible", "D2": "eligible"}),
        ("ght_membre.json", {"D1": "eligible", "HospiConnect": "a_confirmer"}),
        ("ehpad.yaml", {"D2": "a_confirmer", "HospiConnect": "non_eligible"}),
        ("cabinet_liberal.yaml", {"D1": "non_eligible", "exercice_crise": "non_eligible"}),
        # a public hospital outside a GHT: HospiConnect criteria not seen → to confirm
        ("corse_2a.yaml", {"D2": "a_confirmer", "HospiConnect": "a_confirmer"}),
    ],
)
def test_example_profiles(
    capsys: pytest.CaptureFixture[str], name: str, verdicts: dict[str, str]
) -> None:
    data = run_json(capsys, "--profile", str(PROFILES_DIR / name))
    found = {r["dispositif"]: r["verdict"] for r in data["results"]}
    assert {k: found[k] for k in verdicts} == verdicts


def test_human_output_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["eligibility", "--profile", str(PROFILES_DIR / "corse_2a.yaml"), "--as-of", "2026-11-28"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "règles version 2026.2" in out
    assert "Verdict : à confirmer · candidature : fermée" in out
    assert "État des sources : avril 2026." in out  # newest evidence of the cited notes
    assert "vérifiée" not in out
    assert "À vérifier : date de la dernière revue de la PSSI" in out
    assert "Obligations, indépendantes de tout financement" in out


def test_invalid_profile_exits_2_listing_each_problem(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["eligibility", "--profile", str(PROFILES_DIR / "invalide.yaml"), "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    for fragment in (
        "categorie : catégorie inconnue « hopital »",
        "finess_ej : la clé de contrôle (dernier chiffre) du numéro 750712185",
        "pssi_revue_le : la date 30/02/2024 n'existe pas",
        "organisation_pcra : répondez par oui ou par non",
        "activite[2].finess_eg : « 330781196 » ne figure pas",
        "activite : la somme des parts (110 %) dépasse 100 %",
        "commentaire : clé inconnue",
    ):
        assert fragment in captured.err
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2026-02-30"], "--as-of : la date 30/02/2026 n'existe pas"),
        (["--rules-version", "2099.1"], "La version de règles « 2099.1 » n'existe pas"),
        (["--profile", "absent.yaml"], "Impossible de lire le profil absent.yaml"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    profile = ["--profile", str(PROFILES_DIR / "ehpad.yaml")] if "--profile" not in args else []
    assert main(["eligibility", *profile, *args]) == 2
    assert message in capsys.readouterr().err


def test_malformed_yaml_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("categorie: [ght\n", encoding="utf-8")
    assert main(["eligibility", "--profile", str(bad)]) == 2
    assert "n'est pas un fichier YAML ou JSON valide" in capsys.readouterr().err


def test_old_rules_version(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys,
        "--profile",
        str(PROFILES_DIR / "es_prive_lucratif.yaml"),
        "--rules-version",
        "2025.1",
    )
    assert data["rules_version"] == "2025.1"
    d2 = next(r for r in data["results"] if r["dispositif"] == "D2")
    assert [d["status"] for d in d2["deadlines"]] == ["ferme", "inconnu"]


# -- the interview: the assistant's /eligibilite dialogue through the terminal driver ---------
@pytest.fixture(scope="module")
def interview_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One data directory for the interview tests (the index is built once; each test uses its
    own --user, so its own session)."""
    data = tmp_path_factory.mktemp("interview-data")
    env = {key: value for key, value in os.environ.items() if not key.startswith("CARE_")}
    return {**env, "CARE_DATA_DIR": str(data), "CARE_EMBEDDINGS": "none"}


def interview(env: dict[str, str], user: str, lines: list[str], *args: str) -> CliRun:
    stdin = ("\n".join(lines) + "\n").encode()
    command = ["eligibility", "--user", user, "--as-of", "2026-11-28", *args]
    return run_cli(command, env, stdin=stdin, cwd=Path(env["CARE_DATA_DIR"]))


def saved_profile(env: dict[str, str], user: str) -> dict[str, Any]:
    store = SqliteStore(Path(env["CARE_DATA_DIR"]) / "care.sqlite3")
    try:
        return store.load_session(f"cli:{user}").profile
    finally:
        store.close()


def test_interview_in_the_terminal(interview_env: dict[str, str], tmp_path: Path) -> None:
    lines = [
        "clinique",
        "750712185",
        "750712184",
        "retour",
        "750712184",
        "750712184",
        "oui",
        "31/02/2024",
        "je ne sais pas",
        "non",
    ]
    saved = tmp_path / "profil.yaml"
    result = interview(interview_env, "t1", lines, "--json", "--save-profile", str(saved))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # stdout: the report only; the dialogue is on stderr
    d2 = next(r for r in data["results"] if r["dispositif"] == "D2")
    assert d2["verdict"] == "a_confirmer"
    assert [m["item"] for m in d2["missing"]] == [
        "Organisation projet du PCRA (prérequis P2)",
        "À vérifier : date de la dernière revue de la PSSI",
    ]
    profile = {
        "categorie": "es_prive_lucratif",
        "finess_ej": "750712184",
        "finess_eg": ["750712184"],
        "pssi_validee_representant_legal": True,
        "organisation_pcra": False,
    }
    assert yaml.safe_load(saved.read_text(encoding="utf-8")) == profile
    assert saved_profile(interview_env, "t1") == profile  # in the session, like the chat's
    assert "Question 1 — Quelle est la nature de votre structure ?" in result.stderr
    assert "Profil enregistré" in result.stderr


def test_the_dialogue_is_the_chats(interview_env: dict[str, str]) -> None:
    """Same questions and buttons (a number presses one), same keywords, same mistakes caught."""
    result = interview(interview_env, "t2", ["hôpital", "retour", "6"])
    assert result.returncode == 0, result.stderr
    err = result.stderr
    assert "Réponse non valide pour « catégorie de la structure »" in err
    assert "C'est la première question : il n'y a pas de réponse précédente." in err
    assert "  6. Autre (cabinet libéral…)" in err and "  7. Je ne sais pas" in err
    assert "  1. Détails" not in err  # the report follows on stdout: no button left to press
    assert "Verdict : non éligible" in result.stdout
    assert saved_profile(interview_env, "t2") == {"categorie": "autre"}


def test_a_free_question_is_answered_then_the_question_asked_again(
    interview_env: dict[str, str],
) -> None:
    result = interview(interview_env, "t3", ["Qu'est-ce que le programme CaRE ?", "autre"])
    assert result.returncode == 0, result.stderr
    asked = "Question 1 — Quelle est la nature de votre structure ?"
    parts = result.stderr.split(asked)
    assert len(parts) == 3  # asked, then asked again after the answer
    assert "Sources :" in parts[1] and "CaRE" in parts[1]  # a cited answer in between


def test_the_saved_profile_prefills_a_dossier_in_the_chat(interview_env: dict[str, str]) -> None:
    lines = ["clinique", "750712184", "750712184", "oui", "15/03/2024", "oui"]
    assert interview(interview_env, "t4", lines).returncode == 0
    chat = run_cli(
        ["chat", "--user", "t4"],
        interview_env,
        stdin=b"/fiche_projet\n/annuler\n",
        cwd=Path(interview_env["CARE_DATA_DIR"]),
    )
    assert chat.returncode == 0, chat.stderr
    assert "seules des réponses de votre profil d'éligibilité sont reprises" in chat.stdout
    assert "750712184" in chat.stdout


@pytest.mark.parametrize(
    "lines", [["ght"], ["annuler"], ["ght", "/annuler"], ["ght", "/fiche_projet"]]
)
def test_interview_abandoned(interview_env: dict[str, str], lines: list[str]) -> None:
    result = interview(interview_env, "t5", lines)
    assert result.returncode == 130, result.stderr
    assert "Entretien interrompu : aucune vérification n'a été faite." in result.stderr
    assert result.stdout == ""


def test_real_entry_point(tmp_path: Path) -> None:
    env = {**os.environ, "CARE_DATA_DIR": str(tmp_path / "data")}
    result = run_cli(
        [
            "eligibility",
            "--profile",
            str(PROFILES_DIR / "cabinet_liberal.yaml"),
            "--as-of",
            "2026-11-28",
            "--json",
        ],
        env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    verdicts = {r["dispositif"]: r["verdict"] for r in json.loads(result.stdout)["results"]}
    assert verdicts == {
        "D1": "non_eligible",
        "D1bis": "a_confirmer",  # the D1 bis conditions are not in our sources
        "D2": "non_eligible",
        "HospiConnect": "non_eligible",
        "exercice_crise": "non_eligible",
    }
    bad = run_cli(
        ["eligibility", "--profile", str(PROFILES_DIR / "invalide.yaml")], env, cwd=tmp_path
    )
    assert bad.returncode == 2
    assert "Le profil contient 7 erreurs" in bad.stderr
