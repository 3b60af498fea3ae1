"""The report's fixed explanations, kept apart from the figures: Jinja macros in
`bench/report/templates/<section>.md.j2`, one per paragraph or list, called with the figures
they quote (already formatted by the section's module).

Write the prose wrapped as you like: every paragraph or list item of a macro's output becomes
one Markdown line (a line starting with "- ", "| " or "#" starts a new one; a blank line ends
a paragraph), as the report has always been written.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES = Path(__file__).parent / "templates"
_STARTS_A_LINE = ("- ", "| ", "#")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,  # a figure the template names but is not given fails
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Markdown, not HTML
    )


def prose(section: str, name: str, **figures: Any) -> list[str]:
    """The Markdown lines of macro `name` in `templates/<section>.md.j2`, given `figures`."""
    macro = getattr(_environment().get_template(f"{section}.md.j2").module, name)
    return unwrap(str(macro(**figures)))


def unwrap(text: str) -> list[str]:
    """Join each paragraph's wrapped lines into one line; keep blank lines between paragraphs
    (leading and trailing blank lines dropped)."""
    lines: list[str] = []
    joining = False
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line:
            lines.append("")
            joining = False
        elif joining and not line.startswith(_STARTS_A_LINE):
            lines[-1] += " " + line
        else:
            lines.append(line)
            joining = True
    return lines
