"""How the bilingual table looks: sizes, colours, fonts and labels.

The writer sets them; the reader recognises by some of them what the tool added
(the marker grey, the code font, the ``kept as is`` label).
"""

from __future__ import annotations

from functools import cache


@cache
def qn(tag: str) -> str:
    """The Clark name of a ``w:``, ``r:`` or ``xml:`` tag (python-docx's qn, imported lazily)."""
    from docx.oxml.ns import qn as docx_qn

    return str(docx_qn(tag))


# A4 portrait with 1.5 cm margins leaves 18 cm: a narrow ID column and two
# equal text columns, so the French and English of a row sit level.
COLUMN_WIDTHS_CM = (3.2, 7.4, 7.4)
HEADER_LABELS = ("ID", "Français", "English")
BODY_PT = 10
ID_PT = 6.5
ID_GREY = (0x80, 0x80, 0x80)
HEADER_FILL = "D9D9D9"
HEADING_FILL = "DEEAF6"
FLAGGED_FILL = "FCE4D6"
# A near match's suggestion: to be checked, but not a machine guess either.
FUZZY_FILL = "FFF2CC"
FUZZY_AMBER = (0x9C, 0x57, 0x00)
VERBATIM_FILL = "F2F2F2"
FLAG_RED = (0xC0, 0x00, 0x00)
REVIEWED_GREEN = (0x38, 0x76, 0x1D)
FRENCH = "fr-FR"
DEFAULT_ENGLISH = "en-GB"
CODE_FONT = "Liberation Mono"
LINK_BLUE = "0563C1"
# Markers the tool adds (footnote labels, image markers) are set in this grey,
# which is how the review import tells them from an editor's text.
MARKER_GREY = "808080"
# What the ID cell of a verbatim row starts with; never a segment ID.
KEPT_AS_IS = "kept as is"
