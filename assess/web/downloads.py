"""File downloads that API and pages share: the PDF report, benchmark exports, the workbook."""

from __future__ import annotations

from litestar import Response
from litestar.status_codes import HTTP_304_NOT_MODIFIED

from assess.exports import FORMATS, ExportFormat
from assess.services.benchmark import Download
from assess.services.reports import ReportFile


def pdf_download(result: ReportFile, if_none_match: str | None = None) -> Response[bytes]:
    """A PDF as a download with its file name; private, since it holds the answers.

    The ETag is weak (the digest of the content the PDF was made from, not of its bytes): a
    repeat that sends it gets 304 Not Modified while that content is unchanged."""
    headers = {"Cache-Control": "private, no-cache"}
    if result.key is not None:
        headers["ETag"] = tag = f'W/"{result.key[:32]}"'
        if if_none_match and _matches(if_none_match, tag):
            return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return Response(result.pdf, media_type="application/pdf", headers=headers)


def _matches(if_none_match: str, tag: str) -> bool:
    """Weak comparison (RFC 9110, 13.1.2): W/ is ignored on both sides."""
    wanted = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in wanted or tag.removeprefix("W/") in wanted


def file_download(download: Download) -> Response[bytes]:
    return Response(
        download.content,
        media_type=download.media_type,
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


XLSX = FORMATS[ExportFormat.XLSX]
MAX_WORKBOOK = 2 * 1024 * 1024  # a filled-in workbook is some tens of kilobytes


def workbook_download(content: bytes, filename: str) -> Response[bytes]:
    disposition = f'attachment; filename="{filename}"'
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})
