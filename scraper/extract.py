"""Pure helpers that turn HTML into text: sample blocks, statements as Markdown with TeX kept, numbers in labels.

Built on selectolax's lexbor parser (fast, tolerant). Nothing here knows a site; site modules pass selectors.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = [
    "block_text",
    "collapse_ws",
    "html_tree",
    "json_body",
    "letters",
    "normalize_sample",
    "parse_duration_ms",
    "parse_memory_bytes",
    "to_markdown",
]


def html_tree(html: str | bytes) -> LexborHTMLParser:
    return LexborHTMLParser(html)


def _text_with_breaks(node: LexborNode, out: list[str]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            out.append(child.text_content or "")
        elif tag == "br":
            out.append("\n")
        elif tag in ("script", "style"):
            continue
        else:
            _text_with_breaks(child, out)


def block_text(node: LexborNode) -> str:
    """The text of a ``pre``-like block: ``<br>`` as newlines, entities decoded, ``&nbsp;`` as a space.

    Codeforces' 2022+ layout puts each input line in its own ``div.test-example-line`` (a div holding only
    ``<br>`` is an empty line); those are joined with newlines.
    """
    line_divs = [c for c in node.iter() if c.tag == "div" and "test-example-line" in (c.attributes.get("class") or "")]
    if line_divs:
        lines = []
        for div in line_divs:
            parts: list[str] = []
            _text_with_breaks(div, parts)
            lines.append("".join(parts).rstrip("\n"))
        return "\n".join(lines)
    parts = []
    _text_with_breaks(node, parts)
    return "".join(parts)


def normalize_sample(text: str) -> str:
    """LF line ends, no trailing spaces on a line, no trailing blank lines, one final newline (as oj-api does).
    Leading blank lines are kept: some outputs start with an empty line (Codeforces 767A)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def collapse_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


_DURATION = re.compile(r"(\d+(?:[.,]\d+)?)\s*(ms|msec|millisecond|s|sec|second|секунд)", re.I)
_MEMORY = re.compile(r"(\d+(?:[.,]\d+)?)\s*(kib|kb|kilobyte|mib|mb|megabyte|мегабайт|gib|gb|gigabyte)", re.I)
_MEMORY_FACTORS = {"k": 1024, "m": 1024**2, "г": 1024**3, "g": 1024**3, "м": 1024**2}


def parse_duration_ms(text: str) -> int | None:
    """'2 seconds', '0.5 sec', '1500 msec', '2 секунды' -> milliseconds."""
    found = _DURATION.search(text)
    if not found:
        return None
    value = float(found.group(1).replace(",", "."))
    unit = found.group(2).lower()
    return round(value if unit.startswith("m") else value * 1000)


def parse_memory_bytes(text: str) -> int | None:
    """'256 megabytes', '1024 MiB', '64 MB', '65536 KB' -> bytes (binary units: judges mean MiB by MB)."""
    found = _MEMORY.search(text)
    if not found:
        return None
    value = float(found.group(1).replace(",", "."))
    return round(value * _MEMORY_FACTORS[found.group(2).lower()[0]])


# ---- statements to Markdown -----------------------------------------------------------------------------

_INLINE_STYLE = {
    "tex-font-style-bf": ("**", "**"),
    "tex-font-style-it": ("*", "*"),
    "tex-font-style-sl": ("*", "*"),
    "tex-font-style-tt": ("`", "`"),
    "tex-font-style-underline": ("", ""),
}


_SPACES = re.compile(r"[ \t\r\n]+")
_ANY_SPACE = re.compile(r"\s+")
_HIDDEN_CLASSES = frozenset({"MathJax", "MathJax_Preview", "MathJax_Display", "MathJax_SVG", "input-output-copier"})
_CLASSED_TAGS = frozenset(("span", "div", "p", "nobr", "mjx-container", "font", "center"))
_BLOCK_TAGS = frozenset(
    ("p", "div", "center", "section", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "table")
)


@functools.cache
def _math_pattern(left: str, right: str) -> re.Pattern[str]:
    """A site's display (doubled) and inline math delimiters in one pattern, compiled once: a page has thousands of
    text nodes. The display form comes first in the alternation, as it did when each had its own pass."""
    display = re.escape(left * 2)
    return re.compile(f"{display}(.+?){display}|{re.escape(left)}(.+?){re.escape(right)}", re.S)


def _math(match: re.Match[str]) -> str:
    display = match.group(1)
    return f"$${display.strip()}$$" if display is not None else f"${match.group(2).strip()}$"


class _MarkdownWriter:
    def __init__(self, base_url: str, math: tuple[str, str] | None) -> None:
        self.base_url = base_url
        self.math = math  # a site's own inline-math delimiter pair to rewrite to $...$, e.g. ("$$$", "$$$")
        self.pattern = _math_pattern(*math) if math else None

    def inline(self, node: LexborNode) -> str:
        out: list[str] = []
        for child in node.iter(include_text=True):
            # text nodes, the most common, handled here: a function call fewer per node
            out.append(self.text(child.text_content or "") if child.tag == "-text" else self.element(child))
        return "".join(out)

    def element(self, node: LexborNode) -> str:
        tag = node.tag
        if tag == "-text":
            return self.text(node.text_content or "")
        if tag == "script" and (node.attributes.get("type") or "").startswith("math/tex"):
            # A browser-saved page: MathJax replaced the TeX by rendered spans, but kept the source in a script.
            source = (node.text(deep=True) or "").strip()
            return f"$${source}$$" if "mode=display" in (node.attributes.get("type") or "") else f"${source}$"
        if tag in ("script", "style", "noscript"):
            return ""
        classes: list[str] = []
        if tag in _CLASSED_TAGS:  # only these carry the classes that matter here (reading attributes costs)
            classes = (node.attributes.get("class") or "").split()
            if classes and not _HIDDEN_CLASSES.isdisjoint(classes):
                return ""  # rendered copies of math that a script beside them holds as TeX, and "Copy" buttons
        if tag == "br":
            return "  \n"
        if tag == "img":
            src = node.attributes.get("src") or ""
            alt = node.attributes.get("alt") or "image"
            return f"![{alt}]({urljoin(self.base_url, src)})"
        if tag == "a":
            href = node.attributes.get("href")
            inner = self.inline(node)
            return f"[{inner}]({urljoin(self.base_url, href)})" if href else inner
        if tag == "span" and "tex-span" in classes:
            # Pre-MathJax Codeforces: <span class="tex-span"><i>a</i> ≤ 10<sup>9</sup></span> becomes $a ≤ 10^{9}$.
            return f"${self.tex(node)}$"
        if tag in ("b", "strong"):
            return f"**{self.inline(node).strip()}**"
        if tag in ("i", "em"):
            return f"*{self.inline(node).strip()}*"
        if tag in ("code", "tt"):
            return f"`{self.inline(node)}`"
        if tag == "sup":
            return f"^{{{self.inline(node)}}}"
        if tag == "sub":
            return f"_{{{self.inline(node)}}}"
        if tag == "var":
            # AtCoder writes TeX inside <var>: keep it as inline math
            return f"${(node.text(deep=True) or '').strip()}$"
        for css_class in classes:
            if css_class in _INLINE_STYLE:
                left, right = _INLINE_STYLE[css_class]
                return f"{left}{self.inline(node)}{right}"
        if tag in _BLOCK_TAGS:
            return "\n\n" + self.block(node) + "\n\n"
        return self.inline(node)

    def text(self, text: str) -> str:
        text = text.replace("\xa0", " ")
        if self.pattern is not None and self.math and self.math[0] in text:
            text = self.pattern.sub(_math, text)
        if "\n" in text or "  " in text or "\t" in text or "\r" in text:  # most text nodes have nothing to collapse
            return _SPACES.sub(" ", text)
        return text

    def tex(self, node: LexborNode) -> str:
        out: list[str] = []
        for child in node.iter(include_text=True):
            if child.tag == "-text":
                out.append((child.text_content or "").replace("\xa0", " "))
            elif child.tag == "sup":
                out.append(f"^{{{self.tex(child)}}}")
            elif child.tag == "sub":
                out.append(f"_{{{self.tex(child)}}}")
            else:
                out.append(self.tex(child))
        return _ANY_SPACE.sub(" ", "".join(out)).strip()

    def format_lines(self, node: LexborNode) -> str:
        """An input-format block (AtCoder: ``<pre><var>N</var>\n<var>A_1</var> ... <var>\\vdots</var></pre>``):
        its TeX stays math, one line of the layout per Markdown line, instead of leaking raw into a code block."""
        parts: list[str] = []
        for child in node.iter(include_text=True):
            if child.tag == "var":
                parts.append(f"${(child.text(deep=True) or '').strip()}$")
            elif child.tag == "-text":
                parts.append((child.text_content or "").replace("\xa0", " "))
            else:
                parts.append(child.text(deep=True) or "")
        lines = [re.sub(r"[ \t]+", " ", line).strip() for line in "".join(parts).replace("\r\n", "\n").split("\n")]
        return "  \n".join(line for line in lines if line)

    def block(self, node: LexborNode) -> str:
        tag = node.tag
        if tag in ("ul", "ol"):
            items = [c for c in node.iter() if c.tag == "li"]
            markers = [f"{i + 1}." if tag == "ol" else "-" for i in range(len(items))]
            return "\n".join(f"{marker} {_squash(self.inline(item))}" for marker, item in zip(markers, items, strict=True))
        if tag == "pre":
            if node.css_first("var") is not None:
                return self.format_lines(node)
            return "```\n" + normalize_sample(block_text(node)) + "```"
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return "#" * int(tag[1]) + " " + _squash(self.inline(node))
        if tag == "table":
            caption = node.css_first("caption")
            title = f"*{_squash(self.inline(caption))}*\n\n" if caption is not None and _squash(self.inline(caption)) else ""
            rows = [[_squash(self.inline(cell)) for cell in row.iter() if cell.tag in ("td", "th")] for row in node.css("tr")]
            rows = [r for r in rows if r]
            if not rows:
                return title.strip()
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
            lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
            return title + "\n".join(lines)
        return _squash(self.inline(node))


_BLANK_LINES = re.compile(r"\n{3,}")


def _squash(markdown: str) -> str:
    """Tidy blank lines: at most one empty line between blocks, no spaces at line ends except hard breaks."""
    if "\n" not in markdown:  # one line: only its ends to trim (the common case, and blocks nest)
        return markdown.strip()
    lines = [line.rstrip() if not line.endswith("  ") else line for line in markdown.split("\n")]
    text = "\n".join(line.strip(" ") if not line.endswith("  ") else line.lstrip(" ") for line in lines)
    return _BLANK_LINES.sub("\n\n", text).strip()


def to_markdown(node: LexborNode | None, base_url: str, math: tuple[str, str] | None = None) -> str:
    """Markdown of an HTML fragment: paragraphs, lists, tables, code blocks, images as absolute URLs; a site's
    inline-math delimiters (``math``) become ``$...$`` and doubled ones ``$$...$$``."""
    if node is None:
        return ""
    writer = _MarkdownWriter(base_url, math)
    return _squash(writer.block(node) if node.tag in ("ul", "ol", "pre", "table") else writer.inline(node))


def json_body(page_url: str, body: bytes) -> object:
    """The JSON of a response, or a ParseError naming the URL."""
    import json

    from cpdata.scraper.base import ParseError

    try:
        return json.loads(body)
    except ValueError as exc:
        raise ParseError(page_url, f"not JSON ({exc})") from exc
    except RecursionError as exc:  # thousands of nested brackets
        raise ParseError(page_url, "JSON nested too deeply to read") from exc


def letters(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: a problem index from its position in a contest."""
    name = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        name = chr(ord("A") + rest) + name
    return name
