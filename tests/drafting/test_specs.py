"""The dossier specifications in knowledge/dossier load, are consistent and traceable."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from drafting import DossierKnowledge, SpecError, load_dossier_knowledge, source_ids
from tests.drafting.conftest import DOSSIER_DIR, ROOT

ISSUE_KEYS = {
    "titre",
    "dispositif",
    "etablissement.raison_sociale",
    "etablissement.finess_ej",
    "etablissement.finess_eg",
    "etablissement.siret",
    "etablissement.adresse",
    "etablissement.statut",
    "etablissement.ght",
    "representant_legal.civilite",
    "representant_legal.nom",
    "representant_legal.fonction",
    "chef_de_projet.nom",
    "chef_de_projet.fonction",
    "chef_de_projet.email",
    "chef_de_projet.telephone",
    "contexte",
    "etat_des_lieux",
    "perimetre",
    "objectifs",
    "gouvernance",
    "calendrier",
    "budget",
    "autres_financements",
    "risques",
    "suivi",
    "communication",
    "pieces_jointes",
}


def test_fiche_projet_has_every_key_of_the_answers_format(knowledge: DossierKnowledge) -> None:
    spec = knowledge.spec("fiche_projet")
    keys = {f.key for f in spec.fields}
    assert keys >= ISSUE_KEYS
    assert [f.key for f in spec.field("objectifs").fields if f.ask] == [  # type: ignore[union-attr]
        "intitule",
        "indicateur",
        "cible",
        "echeance",
    ]
    assert [f.key for f in spec.field("budget").fields] == [  # type: ignore[union-attr]
        "poste",
        "montant_ht",
        "tva",
        "financement_demande",
    ]


def test_lettre_engagement_fields(knowledge: DossierKnowledge) -> None:
    spec = knowledge.spec("lettre_engagement")
    keys = {f.key for f in spec.fields}
    assert {"representant_legal.nom", "lieu", "date", "engagements", "dispositif"} <= keys
    assert spec.field("lieu").required and spec.field("date").required  # type: ignore[union-attr]


def test_every_field_has_help_and_an_example(knowledge: DossierKnowledge) -> None:
    for spec in knowledge.specs.values():
        for field in spec.fields:
            assert field.help.strip() and field.label.strip(), field.key
            assert field.example.strip(), f"{spec.document}.{field.key} has no example"


def test_every_commitment_is_traceable(knowledge: DossierKnowledge) -> None:
    for dispositif in ("D1", "D1bis", "D2", "HospiConnect", "exercice_crise", "autre"):
        offered = knowledge.commitments.for_dispositif(dispositif)
        assert offered, dispositif
        for commitment in offered:
            assert bool(commitment.source) != commitment.usual_practice, commitment.id
    ids = {c.id for c in knowledge.commitments.for_dispositif("D2")}
    assert {
        "objectifs-phase-operationnelle",
        "preuves",
        "controles",
        "chef-de-projet",
        "reversement",
    } <= ids


def test_official_objectives_cite_sources(knowledge: DossierKnowledge) -> None:
    assert [o.code for o in knowledge.objectives.for_dispositif("D2")] == [
        "D2.O1",
        "D2.O2",
        "D2.O3",
        "D2.O4",
    ]
    assert all(o.a_confirmer for o in knowledge.objectives.for_dispositif("D2"))
    assert knowledge.objectives.for_dispositif("D1")
    assert knowledge.objectives.for_dispositif("HospiConnect")


def test_cited_source_ids_are_well_formed(knowledge: DossierKnowledge) -> None:
    for source_id in source_ids(knowledge):
        assert source_id == source_id.lower() and " " not in source_id


def test_cited_source_notes_exist_in_the_knowledge_base(knowledge: DossierKnowledge) -> None:
    sources = ROOT / "knowledge" / "sources"
    missing = sorted(i for i in source_ids(knowledge) if not (sources / f"{i}.md").is_file())
    assert not missing, f"source notes cited by knowledge/dossier but absent: {missing}"


def _copy_dossier(tmp_path: Path) -> Path:
    target = tmp_path / "dossier"
    target.mkdir()
    for path in DOSSIER_DIR.glob("*.yaml"):
        (target / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def test_a_commitment_without_source_is_refused(tmp_path: Path) -> None:
    directory = _copy_dossier(tmp_path)
    data = yaml.safe_load((directory / "engagements.yaml").read_text(encoding="utf-8"))
    data["engagements"][0].pop("source")
    (directory / "engagements.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(SpecError, match="usual_practice"):
        load_dossier_knowledge(directory)


def test_an_unknown_dispositif_in_applies_to_is_refused(tmp_path: Path) -> None:
    directory = _copy_dossier(tmp_path)
    path = directory / "fiche_projet.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("applies_to: [D2]", "applies_to: [D9]"),
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match="D9"):
        load_dossier_knowledge(directory)


def test_a_malformed_spec_file_is_a_spec_error(tmp_path: Path) -> None:
    directory = _copy_dossier(tmp_path)
    (directory / "fenetres.yaml").write_text("version: [", encoding="utf-8")
    with pytest.raises(SpecError, match=r"fenetres\.yaml"):
        load_dossier_knowledge(directory)
