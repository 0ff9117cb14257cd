"""The bottom layer: small checks and French text helpers every layer uses, one implementation
each (it imports no other package of the project; only the standard library, python-stdnum and
PyYAML).

Modules::

    french_text.py     fold, fold_phrase: case, accents, ligatures, apostrophes, blanks
    dialogue_keywords.py  DialogueKeyword, dialogue_keyword: « retour », « je ne sais pas »,
                       « passer », « terminé », « annuler »… for both interviews
    question_words.py  INTERROGATIVE_WORDS, QUESTION_OPENINGS; starts_like_question,
                       has_interrogative_word, reads_as_question
    french_dates.py    parse_french_date, date_in_words, short_date, iso_in_words, MONTHS,
                       MONTH_PATTERN, DateError
    slugs.py           slugify: ASCII slugs for file names and stable ids
    front_matter.py    split_front_matter, read_front_matter, FrontMatterError (Markdown notes)
    finess.py          check_finess, compact_finess, FinessError (the FINESS check, on
                       stdnum.luhn)

SIREN/SIRET (``drafting.validators``) and NIR (``agent.patient_data``) are checked by
python-stdnum's own modules, each in the one place that needs it.
"""

from care_common.dialogue_keywords import DialogueKeyword, dialogue_keyword
from care_common.finess import FinessError, check_finess, compact_finess
from care_common.french_dates import (
    MONTH_PATTERN,
    MONTHS,
    DateError,
    date_in_words,
    iso_in_words,
    parse_french_date,
    short_date,
)
from care_common.french_text import fold, fold_phrase
from care_common.front_matter import (
    FrontMatter,
    FrontMatterError,
    read_front_matter,
    split_front_matter,
)
from care_common.question_words import (
    INTERROGATIVE_WORDS,
    QUESTION_OPENINGS,
    has_interrogative_word,
    reads_as_question,
    starts_like_question,
)
from care_common.slugs import slugify

__all__ = [
    "INTERROGATIVE_WORDS",
    "MONTHS",
    "MONTH_PATTERN",
    "QUESTION_OPENINGS",
    "DateError",
    "DialogueKeyword",
    "FinessError",
    "FrontMatter",
    "FrontMatterError",
    "check_finess",
    "compact_finess",
    "date_in_words",
    "dialogue_keyword",
    "fold",
    "fold_phrase",
    "has_interrogative_word",
    "iso_in_words",
    "parse_french_date",
    "read_front_matter",
    "reads_as_question",
    "short_date",
    "slugify",
    "split_front_matter",
    "starts_like_question",
]
