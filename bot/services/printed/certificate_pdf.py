"""The certificate as a one-page A4 PDF with real (selectable, searchable) text in DejaVu
Sans and a QR code of its check link. fpdf2 is used for the PDF: kept, pure Python, and
it embeds a TrueType subset so Polish and Ukrainian letters print; it is imported only
when a certificate is drawn. The words come already translated from the caller."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.printed.printing import font_path, qr_image

FONT = "DejaVu"
QR_SIZE_MM = 45


@dataclass(frozen=True)
class CertificateText:
    """Every line of the certificate, worded in the volunteer's language."""

    title: str
    issuer: str
    statement: str
    months_heading: tuple[str, str]
    months: list[tuple[str, str]]
    total: str
    kinds: str
    legal_basis: str
    issued: str
    check: str
    link: str
    language: str


def certificate_pdf(text: CertificateText) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_lang(text.language)
    pdf.set_title(text.title)
    pdf.add_font(FONT, "", str(font_path()))
    pdf.add_font(FONT, "B", str(font_path(bold=True)))
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5, text.issuer, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, text.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(0, 6, text.statement, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    with pdf.table(col_widths=(3, 1), text_align=("LEFT", "RIGHT"), width=110) as table:
        table.row(text.months_heading)
        for row in text.months:
            table.row(row)
    pdf.ln(2)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(0, 6, text.total, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(0, 6, text.kinds, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 5, text.legal_basis, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(0, 6, text.issued, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    top = pdf.get_y()
    pdf.image(qr_image(text.link, box_size=8), x=20, y=top, w=QR_SIZE_MM, h=QR_SIZE_MM)
    pdf.set_xy(20 + QR_SIZE_MM + 6, top)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 5, f"{text.check}\n{text.link}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
