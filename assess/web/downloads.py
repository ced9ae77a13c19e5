"""File downloads that API and pages share: the PDF report, benchmark exports."""

from __future__ import annotations

from litestar import Response

from assess.services.benchmark import Download
from assess.services.reports import ReportFile


def pdf_download(result: ReportFile) -> Response[bytes]:
    """A PDF as a download with its file name; private, since it holds the answers."""
    return Response(
        result.pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{result.filename}"',
            "Cache-Control": "private, no-cache",
        },
    )


def file_download(download: Download) -> Response[bytes]:
    return Response(
        download.content,
        media_type=download.media_type,
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )
