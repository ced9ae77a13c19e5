"""HTML -> PDF for the council report: templates in reports/, rendered by WeasyPrint.

PDF rendering is a security boundary. WeasyPrint fetches every URL in the HTML and CSS
(stylesheets, fonts, images) through `SafeFetcher`, which serves only files under
`reports/` and small inline images; anything else (http, https, other files, large or
non-image data: URLs) is refused and recorded. User text reaches the HTML only through
Jinja's autoescaping, so it cannot add markup, CSS or URLs.

Speed: the stylesheet and its fonts are parsed once per process (`stylesheet()`), charts are
inline SVG from Jinja macros, and the Jinja environment is built once. Rendering is
synchronous and CPU-bound: the web layer runs it in a worker thread, the CLI in a process
pool. One lock per process serialises WeasyPrint calls, because the shared font
configuration (Pango) is not meant to be used from two threads at once.
"""

from __future__ import annotations

import atexit
import base64
import binascii
import gc
import hashlib
import mimetypes
import re
import threading
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

import jinja2
from babel.numbers import format_decimal
from markupsafe import Markup

from assess import i18n, labels, pdf_tags

PACKAGE = Path(__file__).resolve().parent
REPORTS = (PACKAGE.parent / "reports").resolve()
WEB_TEMPLATES = PACKAGE / "web" / "templates"
BASE_URL = REPORTS.as_uri() + "/"
STYLESHEET = "report.css"
CHART_STYLESHEET = "charts.css"
TEMPLATE = "report.html"
PDF_VARIANT = "pdf/ua-1"
MAX_DATA_IMAGE = 32 * 1024  # bytes after decoding
DATA_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
ASSET_TYPES = {".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf"}


class RefusedURL(ValueError):
    """WeasyPrint asked for a URL outside the report's own assets."""


# --- the URL fetcher -------------------------------------------------------------------


def _fetcher_base() -> type:
    from weasyprint import URLFetcher

    return cast(type, URLFetcher)


def asset_path(url: str) -> Path:
    """The file under reports/ that a file: URL names; RefusedURL for anything else."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"alleen eigen rapportbestanden: {url}")
    if parts.query or parts.fragment:
        raise RefusedURL(f"geen query of fragment in een bestands-URL: {url}")
    path = Path(url2pathname(unquote(parts.path))).resolve()
    if not path.is_relative_to(REPORTS) or not path.is_file():
        raise RefusedURL(f"bestand buiten reports/ of onbekend: {url}")
    return path


def data_image(url: str) -> tuple[str, bytes]:
    """Media type and bytes of a small data: image; RefusedURL for anything else."""
    header, comma, payload = url[len("data:") :].partition(",")
    if not comma:
        raise RefusedURL("ongeldige data-URL")
    media_type, *params = header.split(";")
    media_type = media_type.strip().lower()
    if media_type not in DATA_IMAGE_TYPES:
        raise RefusedURL(f"data-URL van type {media_type or 'tekst'} is niet toegestaan")
    if len(payload) > MAX_DATA_IMAGE * 4 // 3 + 4:
        raise RefusedURL("data-URL is te groot")
    try:
        body = (
            base64.b64decode(unquote(payload), validate=True)
            if "base64" in (p.strip().lower() for p in params)
            else unquote_to_bytes(payload)
        )
    except (binascii.Error, ValueError) as exc:
        raise RefusedURL("ongeldige data-URL") from exc
    if len(body) > MAX_DATA_IMAGE:
        raise RefusedURL("data-URL is te groot")
    return media_type, body


def _make_fetcher_class() -> type:
    base = _fetcher_base()

    class SafeFetcher(base):  # type: ignore[misc, valid-type]
        """Serves files under reports/ and small data: images; refuses everything else.

        `requested` lists every URL asked for and `refused` the refused ones, so callers and
        tests can see what a document tried to load.
        """

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
            self.requested: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            from weasyprint.urls import URLFetcherResponse

            self.requested.append(url)
            try:
                scheme = url.partition(":")[0].lower()
                if scheme == "data":
                    media_type, body = data_image(url)
                else:
                    path = asset_path(url)
                    media_type = ASSET_TYPES.get(path.suffix.lower()) or (
                        mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    )
                    body = path.read_bytes()
            except RefusedURL:
                self.refused.append(url)
                raise
            return URLFetcherResponse(url, body=body, headers={"Content-Type": media_type})

    return SafeFetcher


@cache
def fetcher_class() -> type:
    return _make_fetcher_class()


def safe_fetcher() -> Any:
    """A new fetcher (with its own `refused` list)."""
    return fetcher_class()()


# --- templates -------------------------------------------------------------------------


def _inject_chart_style(markup: str) -> Markup:
    """Put the chart stylesheet inside each inline <svg>: WeasyPrint styles inline SVG only
    from its own <style> element, and the web page's chart macros carry classes only."""
    style = f"<style>{chart_css()}</style>"
    return Markup(re.sub(r"(<svg\b[^>]*>)", lambda m: m.group(1) + style, str(markup)))


@cache
def chart_css() -> str:
    """charts.css without comments and line breaks: inside <svg> a <style> is not raw text
    for the HTML parser, so a comment mentioning a tag would break it."""
    text = (REPORTS / CHART_STYLESHEET).read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return " ".join(text.split()).replace("<", "")


@cache
def environment() -> jinja2.Environment:
    """The report's Jinja environment: reports/ first, then the web templates (charts.html)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(REPORTS), str(WEB_TEMPLATES)]),
        autoescape=True,
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.globals["current_language"] = i18n.current_language
    env.globals["labels"] = labels
    env.filters["chart_style"] = _inject_chart_style
    env.filters["first_upper"] = first_upper
    env.filters["decimal"] = decimal
    return env


def first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def decimal(value: float) -> str:
    """A number with at most one decimal, written the way the current language writes it."""
    return format_decimal(value, format="0.#", locale=i18n.current_language())


def render_html(
    context: dict[str, Any], language: str = i18n.DEFAULT, template: str = TEMPLATE
) -> str:
    """A report (the municipal one unless `template` says otherwise) as HTML."""
    with i18n.language(language):
        return environment().get_template(template).render(**context)


# --- PDF -------------------------------------------------------------------------------

_lock = threading.Lock()


@cache
def stylesheet() -> tuple[Any, Any]:
    """(font configuration, parsed CSS): parsed once per process, fonts loaded once."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    atexit.register(stylesheet.cache_clear)  # let the fonts go while their library still can
    css = CSS(
        filename=str(REPORTS / STYLESHEET),
        base_url=BASE_URL,
        url_fetcher=safe_fetcher(),
        font_config=fonts,
    )
    return fonts, css


@cache
def fingerprint() -> str:
    """A digest of everything besides a report's data that shapes its PDF: the assets under
    reports/ (templates, CSS, fonts, images), the package's code, templates and translations
    (which turn the data into HTML), the WeasyPrint version and the PDF variant."""
    digest = hashlib.sha256(f"{version('weasyprint')}|{PDF_VARIANT}".encode())
    code = (p for p in PACKAGE.rglob("*") if p.suffix in {".py", ".html", ".mo"})
    for path in sorted([*REPORTS.rglob("*"), *code]):
        if path.is_file():
            digest.update(str(path.relative_to(PACKAGE.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def html_to_pdf(html: str, fetcher: Any = None) -> bytes:
    """Render report HTML to a tagged PDF/UA-1 document with the shared stylesheet."""
    from weasyprint import HTML

    fetcher = fetcher if fetcher is not None else safe_fetcher()
    with _lock:
        fonts, css = stylesheet()
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
        pdf = document.write_pdf(
            stylesheets=[css],
            font_config=fonts,
            pdf_variant=PDF_VARIANT,
            uncompressed_pdf=False,
        )
    assert pdf is not None
    return pdf_tags.finish(cast(bytes, pdf))


def warm_up() -> None:
    """Parse the stylesheet, load the fonts and compile the report template now (a worker
    process calls this once), then leave all that to the garbage collector's permanent
    generation: WeasyPrint makes so many objects that full collections run several times per
    PDF, and without this each of them walks every module, rule and font again (measured:
    0.7 s of collection per report, 0.2 s with it)."""
    stylesheet()
    environment().get_template(TEMPLATE)
    gc.freeze()
