"""Document templates → a format-neutral outline (title, headings, paragraphs, tables…).

Templates (``drafting/templates/*.j2``) are Jinja2 run in a ``SandboxedEnvironment``. They emit one
directive a line (``@h1 Objectifs``, ``@row a|b|c``). **Every** ``{{ expression }}`` goes through
``finalize``, which swaps the value for an opaque token; tokens become the literal text only after
the directives are parsed. So user text is never evaluated as a template (Jinja never re-renders
output), never read as a directive or a cell separator (it is not in the parsed text), and reaches
the DOCX/ODT/Markdown writers as plain strings that each writer escapes for its own format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from drafting.errors import RenderError

TEMPLATES_DIR = Path(__file__).parent / "templates"

# Characters XML 1.0 forbids (DOCX and ODT are XML); lone surrogates cannot be encoded at all.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Token delimiters: private-use characters (not whitespace, not line breaks for str.split/strip).
_TOKEN = re.compile("\ue000(\\d+)\ue001")
_LITERALS = "_literals"


def clean_text(value: str) -> str:
    """A user string made safe for any XML writer: line ends normalised, forbidden chars gone."""
    return _XML_INVALID.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


@dataclass(frozen=True)
class Heading:
    level: int  # 0 = document title, 1-2 = headings
    text: str


ParagraphStyle = Literal[
    "normal",
    "subtitle",
    "note",
    "banner",
    "sender",
    "recipient",
    "letter_title",
    "opening",
    "signature",
    "signature_note",
    "signature_name",
]


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: ParagraphStyle = "normal"


SIGNATURE_STYLES = ("signature", "signature_note", "signature_name")


def keeps_with_next(block: object, following: object) -> bool:
    """Paragraphs kept on the page of the next one: the lines of a letter's sender block, and
    whatever precedes a signature line (the closing formula and the signature block itself)."""
    if not isinstance(block, Paragraph) or not isinstance(following, Paragraph):
        return False
    return following.style in SIGNATURE_STYLES or block.style == following.style == "sender"


@dataclass(frozen=True)
class FieldLine:
    label: str
    value: str


@dataclass(frozen=True)
class Bullet:
    text: str
    checkbox: bool = False  # a checklist item (missing fields)


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None
    widths: tuple[int, ...] = ()  # percentages of the text width, one per column
    align: tuple[str, ...] = ()  # "l" or "r" per column (amounts on the right)

    def width(self, column: int) -> float:
        """The column's share of the text width (equal shares when not given)."""
        if len(self.widths) == len(self.header):
            return self.widths[column] / sum(self.widths)
        return 1 / len(self.header)

    def right_aligned(self, column: int) -> bool:
        return len(self.align) == len(self.header) and self.align[column] == "r"


@dataclass(frozen=True)
class PageBreak:
    """What follows starts on a new page (the annexes after the letter's signature)."""


Block = Heading | Paragraph | FieldLine | Bullet | Table | PageBreak


@dataclass(frozen=True)
class Outline:
    title: str
    header: str  # running header on every page
    footer: str  # running footer (provenance)
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def text_blocks(self) -> Iterator[str]:
        """Every text of the outline, in order (for tests and previews)."""
        for block in self.blocks:
            if isinstance(block, Table):
                yield from block.header
                for row in (*block.rows, *(() if block.total is None else (block.total,))):
                    yield from row
            elif isinstance(block, FieldLine):
                yield block.label
                yield block.value
            elif isinstance(block, PageBreak):
                continue
            else:
                yield block.text


@pass_context
def _finalize(context: Context, value: Any) -> str:
    literals: list[str] = context[_LITERALS]
    literals.append(clean_text("" if value is None else str(value)))
    return f"\ue000{len(literals) - 1}\ue001"


def make_environment(templates_dir: Path = TEMPLATES_DIR) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(templates_dir)),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=False,  # lines left empty by block tags are skipped by the parser
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters["todo"] = lambda value: "[à compléter]" if value in (None, "", []) else value
    return env


class _Parser:
    def __init__(self, literals: list[str]) -> None:
        self.literals = literals
        self.blocks: list[Block] = []
        self.header = self.footer = self.title = ""
        self.table: dict[str, Any] | None = None

    def text(self, raw: str) -> str:
        def literal(match: re.Match[str]) -> str:
            return self.literals[int(match.group(1))]

        return _TOKEN.sub(literal, raw).strip(" ")

    def cells(self, raw: str) -> tuple[str, ...]:
        return tuple(self.text(cell) for cell in raw.split("|"))

    def line(self, number: int, line: str) -> None:
        directive, _, rest = line.partition(" ")
        simple: dict[str, Callable[[str], Block]] = {
            "@title": lambda t: Heading(0, t),
            "@h1": lambda t: Heading(1, t),
            "@h2": lambda t: Heading(2, t),
            "@p": Paragraph,
            "@subtitle": lambda t: Paragraph(t, "subtitle"),
            "@note": lambda t: Paragraph(t, "note"),
            "@banner": lambda t: Paragraph(t, "banner"),
            "@sign": lambda t: Paragraph(t, "signature"),
            "@sender": lambda t: Paragraph(t, "sender"),
            "@recipient": lambda t: Paragraph(t, "recipient"),
            "@lettertitle": lambda t: Paragraph(t, "letter_title"),
            "@opening": lambda t: Paragraph(t, "opening"),
            "@signnote": lambda t: Paragraph(t, "signature_note"),
            "@signname": lambda t: Paragraph(t, "signature_name"),
            "@li": Bullet,
            "@todo": lambda t: Bullet(t, checkbox=True),
        }
        if directive in simple:
            block = simple[directive](self.text(rest))
            if isinstance(block, Heading) and block.level == 0:
                self.title = block.text
            if isinstance(block, Paragraph) and block.style == "letter_title" and not self.title:
                self.title = block.text
            self.blocks.append(block)
        elif directive == "@header":
            self.header = self.text(rest)
        elif directive == "@footer":
            self.footer = self.text(rest)
        elif directive == "@field":
            label, _, value = rest.partition("|")
            self.blocks.append(FieldLine(self.text(label), self.text(value)))
        elif directive == "@pagebreak":
            self.blocks.append(PageBreak())
        elif directive == "@table":
            self.table = {"header": self.cells(rest), "rows": [], "total": None}
        elif directive in ("@widths", "@align") and self.table is not None:
            values = self.cells(rest)
            if len(values) != len(self.table["header"]):
                raise RenderError(f"template line {number}: {directive} needs one value a column")
            if directive == "@widths":
                self.table["widths"] = tuple(int(v) for v in values)
            else:
                self.table["align"] = values
        elif directive in ("@row", "@total") and self.table is not None:
            cells = self.cells(rest)
            if len(cells) != len(self.table["header"]):
                raise RenderError(
                    f"template line {number}: {len(cells)} cells, header has "
                    f"{len(self.table['header'])}"
                )
            if directive == "@row":
                self.table["rows"].append(cells)
            else:
                self.table["total"] = cells
        elif directive == "@endtable" and self.table is not None:
            self.blocks.append(
                Table(
                    self.table["header"],
                    tuple(self.table["rows"]),
                    self.table["total"],
                    self.table.get("widths", ()),
                    self.table.get("align", ()),
                )
            )
            self.table = None
        else:
            raise RenderError(f"template line {number}: unknown directive {directive[:20]!r}")


def build_outline(env: SandboxedEnvironment, template: str, context: dict[str, Any]) -> Outline:
    """Render ``template`` with ``context`` and parse its directives into an ``Outline``."""
    literals: list[str] = []
    try:
        output = env.get_template(template).render({**context, _LITERALS: literals})
    except TemplateError as exc:
        raise RenderError(f"template {template} failed: {exc}") from exc
    parser = _Parser(literals)
    for number, line in enumerate(output.split("\n"), start=1):
        if line.strip():
            parser.line(number, line.strip())
    if parser.table is not None:
        raise RenderError(f"template {template}: @table without @endtable")
    return Outline(parser.title, parser.header, parser.footer, tuple(parser.blocks))
