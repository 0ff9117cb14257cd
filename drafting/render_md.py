"""Outline → Markdown (CommonMark + GitHub tables). User text is backslash-escaped so that it
displays literally: ``{{ 7*7 }}`` stays as typed, ``<w:t>`` is not read as HTML, a line starting
with ``#`` or ``-`` is not a heading or a list."""

from __future__ import annotations

import re

from drafting.outline import Bullet, FieldLine, Heading, Outline, PageBreak, Paragraph, Table

_INLINE = re.compile(r"([\\`*_\[\]<>|&~])")
_LINE_START = re.compile(r"^([-+=#]|\d+(?=[.)]))")


def escape(text: str, *, line_start: bool = True) -> str:
    """Escape one line of user text for Markdown (inline specials and block markers)."""
    escaped = _INLINE.sub(r"\\\1", text.strip())
    if not line_start:
        return escaped
    match = _LINE_START.match(escaped)
    if match and match.group(1) in "-+=#":
        return "\\" + escaped
    if match:  # "1." / "1)" would start an ordered list
        digits = match.group(1)
        return digits + "\\" + escaped[len(digits) :]
    return escaped


def _lines(text: str, joiner: str) -> str:
    return joiner.join(escape(line) for line in text.split("\n") if line.strip())


def _paragraph(block: Paragraph) -> list[str]:
    chunks = [c for c in block.text.split("\n\n") if c.strip()] or [""]
    out = []
    for chunk in chunks:
        text = _lines(chunk, "\\\n")  # a backslash at the end of a line is a hard break
        if block.style in ("subtitle", "signature_note"):
            text = f"*{text}*"
        elif block.style == "letter_title":
            text = f"**{text}**"
        elif block.style == "note":
            text = f"> {_lines(chunk, ' ')}"
        elif block.style == "banner":
            text = f"> **{_lines(chunk, ' ')}**"
        elif block.style == "signature":
            text = text + "  "
        out += [text, ""]
    return out


def _row(cells: tuple[str, ...], bold: bool = False) -> str:
    values = [_lines(cell, "<br>") for cell in cells]
    if bold:
        values = [f"**{v}**" if v else v for v in values]
    return "| " + " | ".join(values) + " |"


def render_markdown(outline: Outline) -> bytes:
    lines = [f"> **{escape(outline.header)}**", ""]
    for block in outline.blocks:
        if isinstance(block, Heading):
            text = " ".join(escape(line, line_start=False) for line in block.text.split("\n"))
            lines += [f"{'#' * (block.level + 1)} {text}", ""]
        elif isinstance(block, Paragraph):
            if block.style == "banner" and block.text == outline.header:
                continue  # already the first line
            lines += _paragraph(block)
        elif isinstance(block, FieldLine):
            lines += [f"**{escape(block.label)} :** {_lines(block.value, ' ')}", ""]
        elif isinstance(block, Bullet):
            box = "[ ] " if block.checkbox else ""
            if lines and lines[-1] == "" and len(lines) > 1 and lines[-2].startswith("- "):
                lines.pop()
            lines += [f"- {box}{_lines(block.text, ' ')}", ""]
        elif isinstance(block, PageBreak):
            lines += ["---", ""]  # the annexes: a new page in DOCX/ODT, a rule here
        elif isinstance(block, Table):
            separators = [
                "---:" if block.right_aligned(i) else "---" for i in range(len(block.header))
            ]
            lines += [_row(block.header, bold=False), "|" + "|".join(separators) + "|"]
            lines += [_row(row) for row in block.rows]
            if block.total is not None:
                lines.append(_row(block.total, bold=True))
            lines.append("")
    lines += ["---", "", f"*{escape(outline.footer)}*", ""]
    return "\n".join(lines).encode("utf-8")
