"""HTML to PDF with WeasyPrint, shared by contract documents and reports."""

from __future__ import annotations


class RenderingUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs are missing; the message says what to
    install."""


def html_to_pdf(html: str) -> bytes:
    """Lay out ``html`` (with inline CSS, and SVG inline or as data-URL images) as PDF."""
    try:
        # Imported here: WeasyPrint loads Pango when imported, and the rest of the product must
        # start on machines without it.
        import weasyprint
    except OSError as exc:
        raise RenderingUnavailable(
            "生成 PDF 需要系统库 Pango（Debian 软件包 libpango-1.0-0 和 libpangoft2-1.0-0），"
            f"本机未安装或无法加载：{exc}"
        ) from exc
    except ImportError as exc:
        message = f"生成 PDF 需要 Python 包 weasyprint，本机未安装：{exc}"
        raise RenderingUnavailable(message) from exc
    result: bytes = weasyprint.HTML(string=html).write_pdf()
    return result
