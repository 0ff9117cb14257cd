"""An answers file to fill in, generated from a document's field specification.

Sent to a user who asks for one (« modèle » in the drafting dialogue): every field the dialogue
asks, in order, each introduced by a comment with its label, whether it is required, its help
and its choices, with an empty value. The file loads as it is
(empty values count as missing; lists are empty, their item fields shown in comments), so a
user may fill in only part of it.
"""

from __future__ import annotations

import textwrap

import yaml

from drafting.specs import DocumentSpec, FieldSpec

_WIDTH = 96


def _comment(spec_field: FieldSpec, indent: str) -> list[str]:
    status = "obligatoire" if spec_field.required else "facultatif"
    lines = [f"{indent}# {spec_field.label} ({status})"]
    help_text = " ".join(spec_field.help.split())
    if spec_field.options:
        choices = " ; ".join(f"{o.value} = {o.label}" for o in spec_field.options)
        help_text = f"{help_text} Valeurs : {choices}."
    elif spec_field.example:
        help_text = f"{help_text} Exemple : {spec_field.example}"
    for part in textwrap.wrap(help_text, _WIDTH - len(indent) - 2, break_on_hyphens=False):
        lines.append(f"{indent}# {part}")
    return lines


def _empty(name: str, indent: str) -> str:
    return f"{indent}{yaml.safe_dump({name: ''}, allow_unicode=True).strip()}"


def answers_template(spec: DocumentSpec) -> str:
    """The YAML text of an empty answers file for ``spec`` (comments in French)."""
    lines = [
        f"# Fichier de réponses — {spec.title} (brouillon ; aucun modèle officiel CaRE n'existe).",
        "# Remplissez les valeurs entre les guillemets, laissez vides celles que vous ignorez,",
        "# puis envoyez ce fichier à l'assistant pendant le dialogue.",
    ]
    section = ""
    for spec_field in spec.fields:
        if not spec_field.ask:
            continue
        head, dot, name = spec_field.key.partition(".")
        if not dot:
            head, name = "", spec_field.key
        if head != section:
            lines += ["", f"{head}:"] if head else [""]
            section = head
        indent = "  " if head else ""
        lines += ([""] if not head else []) + _comment(spec_field, indent)
        if spec_field.type != "list":
            lines.append(_empty(name, indent))
            continue
        item = spec_field.item_label or "élément"
        lines.append(f"{indent}# Un {item} par entrée, remplacez [] par la liste, par exemple :")
        for number, sub in enumerate(spec_field.fields):
            status = "obligatoire" if sub.required else "facultatif"
            entry = f"{_empty(sub.key, '')}  # {sub.label} ({status})"
            lines.append(f"{indent}#   - {entry}" if number == 0 else f"{indent}#     {entry}")
        lines.append(f"{indent}{name}: []")
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"
