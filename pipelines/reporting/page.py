"""The report's page: its HTML skeleton and style (no script, no web font, nothing fetched)."""

from __future__ import annotations

from html import escape

STYLE = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:760px;color:#222}
h1{margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd}h3{font-size:1em}
.subtitle{color:#666;margin-top:0}
.tiles{display:flex;flex-wrap:wrap;gap:12px}
.tile{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:150px;flex:1}
.tile .label{color:#666;font-size:.85em}.tile .value{font-size:1.6em;font-weight:600}
.band{display:inline-block;border-radius:4px;padding:1px 6px;font-size:.8em;color:#fff}
.band-elite{background:#2e7d32}.band-high{background:#558b2f}
.band-medium{background:#f9a825}.band-low{background:#c62828}
.chart{margin-bottom:1.5em}.chart svg{max-width:100%;height:auto}
.no-data{color:#777;background:#f6f6f6;border:1px dashed #ccc;padding:1em}
details{margin-top:.3em;font-size:.85em}pre{background:#f6f6f6;padding:.6em;overflow-x:auto}
table{border-collapse:collapse}td,th{border-bottom:1px solid #eee;padding:4px 10px;
text-align:left}
"""


def page(title: str, subtitle: str, body: str) -> str:
    """A complete HTML document."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f'<h1>{escape(title)}</h1><p class="subtitle">{escape(subtitle)}</p>{body}</body></html>'
    )
