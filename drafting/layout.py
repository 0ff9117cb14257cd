"""The page and type of every generated document (DOCX and ODT share them): French A4, fr-FR."""

from __future__ import annotations

LANGUAGE, COUNTRY = "fr", "FR"
LOCALE = f"{LANGUAGE}-{COUNTRY}"

PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7  # A4 portrait
MARGIN_TOP_CM, MARGIN_BOTTOM_CM = 1.8, 1.6
MARGIN_LEFT_CM, MARGIN_RIGHT_CM = 2.2, 2.0
HEADER_FOOTER_DISTANCE_CM = 0.8
TEXT_WIDTH_CM = PAGE_WIDTH_CM - MARGIN_LEFT_CM - MARGIN_RIGHT_CM
BLOCK_INDENT_CM = 9.0  # the recipient and signature blocks of a letter, on the right
SIGNATURE_SPACE_CM = 1.6  # room for the signature and the stamp above the signatory's name

FONT = "Arial"  # Liberation Sans (metric-compatible) where Arial is missing
BODY_PT = 10.5
TABLE_PT = 9.0
SMALL_PT = 8.0
TITLE_PT, SUBTITLE_PT, HEADING1_PT, HEADING2_PT = 17.0, 11.5, 12.5, 10.5
LETTER_TITLE_PT = 13.0
SPACE_AFTER_PT = 5.0
LINE_SPACING = 1.08

DARK_BLUE = "1F3864"
DRAFT_RED = "A50021"
GREY = "595959"
HEADER_FILL = "D9E2F3"


def page_label_parts() -> tuple[str, str, str]:
    """« Page N sur M »: the text around the two page fields."""
    return "Page ", " sur ", ""
