"""Turn a message kind and its values into a subject, a plain-text body and an HTML body.

How Jinja survives the MJML compile (see also templates/README.md):

* Stage 1, once per kind: `NAME.mjml` is a Jinja template with square delimiters
  (`[% %]`, `[[ ]]`, `[# #]`). It extends `layouts/base.mjml`, includes the partials and
  fills in the branding. Every value it prints is HTML-escaped and its braces become
  `&#123;`/`&#125;`, so nothing in the branding can turn into stage-3 Jinja syntax.
* Stage 2, once per kind: the resulting MJML is compiled to HTML (mjml-python). MJML copies
  the text of ending tags (`mj-text`, `mj-table`, `mj-button`, `mj-raw`) and attribute
  values through unchanged, so ordinary `{{ }}` and `{% %}` written there survive intact.
  Conditions around whole components go inside `<mj-raw>{% if … %}</mj-raw>` pairs.
  A `<` inside a Jinja tag would be read as markup by MJML: write `>` the other way round.
* Stage 3, per recipient: the compiled HTML is a Jinja template with autoescape ON and
  StrictUndefined, so user-written values can never add markup and a missing value is an error.

The `.txt` file of a kind is plain Jinja with autoescape OFF: its first line is
`Subject: …`, then a blank line, then the body (which usually extends `layouts/base.txt`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import mjml

from outbound.branding import Branding
from outbound.header_values import single_line
from outbound.template_filters import html_filters, text_filters

CompileMjml = Callable[[str], str]

_SUBJECT_LINE = re.compile(r"Subject:[ \t]*(?P<subject>.*)")
_MANY_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


class TemplateError(Exception):
    """A template is missing, does not compile, or lacks a value it needs; names the file."""


@dataclass(frozen=True)
class Rendered:
    """One message's three rendered parts, ready to be composed into MIME."""

    subject: str
    text: str
    html: str


def compile_mjml(source: str) -> str:
    """Compile MJML to HTML without web-font imports (a third-party request on every open)."""
    return mjml.mjml2html(source, fonts={})


def _inert_in_html(value: Any) -> str:
    # Stage-1 output is read by MJML as markup and then by Jinja as a template,
    # so a printed value must be inert for both. Markup (via `| safe`) is template
    # text captured with [% set %], which is meant to reach stage 3 unchanged.
    if isinstance(value, markupsafe.Markup):
        return str(value)
    escaped = str(markupsafe.escape(value))
    return escaped.replace("{", "&#123;").replace("}", "&#125;")


def _describe(error: Exception) -> str:
    if isinstance(error, jinja2.TemplateSyntaxError):
        where = f" ({error.name})" if error.name else ""
        return f"line {error.lineno}{where}: {error.message}"
    return str(error)


class Renderer:
    """Renders message kinds found in one templates folder, in one force's branding."""

    def __init__(
        self, templates_dir: Path, branding: Branding, *, compile_mjml: CompileMjml = compile_mjml
    ) -> None:
        self._dir = Path(templates_dir)
        self._branding = branding
        self._compile_mjml = compile_mjml
        loader = jinja2.FileSystemLoader(self._dir)
        self._layout_env = jinja2.Environment(
            loader=loader,
            block_start_string="[%",
            block_end_string="%]",
            variable_start_string="[[",
            variable_end_string="]]",
            comment_start_string="[#",
            comment_end_string="#]",
            autoescape=False,
            finalize=_inert_in_html,
            undefined=jinja2.StrictUndefined,
        )
        self._html_env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
        self._html_env.filters.update(html_filters())
        self._text_env = jinja2.Environment(
            loader=loader,
            autoescape=False,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._text_env.filters.update(text_filters())
        self._html_cache: dict[str, jinja2.Template] = {}
        self._text_cache: dict[str, tuple[jinja2.Template, jinja2.Template]] = {}

    @property
    def branding(self) -> Branding:
        """The branding every message from this renderer carries."""
        return self._branding

    def kinds(self) -> list[str]:
        """Names of the message kinds in the templates folder, e.g. `chair.isa.invitation`."""
        names = {p.stem for p in self._dir.glob("*.mjml")} | {p.stem for p in self._dir.glob("*.txt")}
        return sorted(names)

    def validate(self) -> None:
        """Compile every template now; raise one TemplateError listing each broken file."""
        problems: list[str] = []
        for kind in self.kinds():
            for compile_part in (self._text_templates, self._html_template):
                try:
                    compile_part(kind)
                except TemplateError as error:
                    problems.append(str(error))
        if problems:
            raise TemplateError("; ".join(problems))

    def render(self, kind: str, context: Mapping[str, Any]) -> Rendered:
        """Fill one kind's templates with one recipient's values."""
        if not (kind in self._html_cache and kind in self._text_cache) and kind not in self.kinds():
            raise TemplateError(f"unknown message kind {kind!r}: no {kind}.mjml/{kind}.txt in the templates folder")
        subject_template, body_template = self._text_templates(kind)
        values = {**context, "brand": self._branding}
        subject = single_line(self._fill(subject_template, values, f"{kind}.txt"))
        text = self._tidy_text(self._fill(body_template, values, f"{kind}.txt"))
        html = self._fill(self._html_template(kind), {**values, "subject": subject}, f"{kind}.mjml")
        return Rendered(subject=subject, text=text, html=html)

    def preview(self, kind: str, context: Mapping[str, Any], out_path: Path) -> Path:
        """Write one rendered HTML body to a file an operator can open in a browser."""
        rendered = self.render(kind, context)
        out_path = Path(out_path)
        out_path.write_text(rendered.html, encoding="utf-8")
        return out_path

    def _text_templates(self, kind: str) -> tuple[jinja2.Template, jinja2.Template]:
        cached = self._text_cache.get(kind)
        if cached is not None:
            return cached
        filename = f"{kind}.txt"
        source = self._read(filename)
        first, _, rest = source.partition("\n")
        second, _, body = rest.partition("\n")
        match = _SUBJECT_LINE.fullmatch(first.rstrip("\r"))
        if match is None or second.strip():
            raise TemplateError(f"{filename}: must start with a 'Subject: …' line and then a blank line")
        try:
            subject = self._text_env.from_string(match["subject"])
            # Two leading newlines keep the body's line numbers equal to the file's.
            body_template = self._text_env.from_string("\n\n" + body)
        except jinja2.TemplateError as error:
            raise TemplateError(f"{filename}: {_describe(error)}") from error
        self._text_cache[kind] = (subject, body_template)
        return subject, body_template

    def _html_template(self, kind: str) -> jinja2.Template:
        cached = self._html_cache.get(kind)
        if cached is not None:
            return cached
        filename = f"{kind}.mjml"
        if not (self._dir / filename).is_file():
            raise TemplateError(f"{filename}: missing (every kind needs both .mjml and .txt)")
        try:
            source = self._layout_env.get_template(filename).render(brand=self._branding)
        except jinja2.TemplateError as error:
            raise TemplateError(f"{filename}: {_describe(error)}") from error
        try:
            html = self._compile_mjml(source)
        except ValueError as error:
            raise TemplateError(f"{filename}: MJML does not compile: {error}") from error
        unknown = re.search(r"<(mj-[a-z-]+)", html)
        if unknown:
            raise TemplateError(f"{filename}: unknown MJML element <{unknown[1]}>")
        try:
            template = self._html_env.from_string(html)
        except jinja2.TemplateError as error:
            raise TemplateError(f"{filename}: in the compiled HTML, {_describe(error)}") from error
        self._html_cache[kind] = template
        return template

    def _read(self, filename: str) -> str:
        path = self._dir / filename
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise TemplateError(f"{filename}: missing (every kind needs both .mjml and .txt)") from None
        except (OSError, UnicodeDecodeError) as error:
            raise TemplateError(f"{filename}: cannot be read: {error}") from error

    @staticmethod
    def _fill(template: jinja2.Template, values: Mapping[str, Any], filename: str) -> str:
        try:
            return template.render(values)
        except (jinja2.TemplateError, TypeError, ValueError) as error:
            raise TemplateError(f"{filename}: {_describe(error)}") from error

    @staticmethod
    def _tidy_text(text: str) -> str:
        # Optional blocks leave runs of blank lines behind; one blank line reads better.
        lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
        return _MANY_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"
