"""How a certificate of volunteering reads, in the current language: the same paper
whether the chat sends it or the Mini App hands it over."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.services.people.certificates import Work
from bot.services.plain import CertificateInfo, PlaceInfo
from bot.services.printed.certificate_pdf import CertificateText
from bot.views.formatting import calendar_day, calendar_month, decimal, long_date
from bot.views.labels import talent_words


def file_name(certificate: CertificateInfo) -> str:
    return f"zaswiadczenie-{certificate.issued_at:%Y%m%d}.pdf"


def certificate_text(
    certificate: CertificateInfo, place: PlaceInfo, work: Work, link: str, language: str
) -> CertificateText:
    """Every line in the current language; names are printed as given, not escaped (a PDF
    is not HTML)."""
    issuer = place.name if not place.organisation else f"{place.organisation}\n{place.name}"
    return CertificateText(
        title=_("Certificate of volunteering"),
        issuer=issuer,
        statement=_(
            "This certifies that {name} volunteered with {place} from {start} to {end}, "
            "helping neighbours through the Sąsiad programme."
        ).format(
            name=certificate.volunteer_name,
            place=place.name,
            start=calendar_day(work.start),
            end=calendar_day(work.end),
        ),
        months_heading=(_("Month"), _("Hours")),
        months=[(calendar_month(first), decimal(hours)) for first, hours in work.months],
        total=_("Hours in total: {hours}").format(hours=decimal(work.hours)),
        kinds=_("Kinds of help: {kinds}").format(
            kinds=", ".join(talent_words(k) for k in work.kinds)
        ),
        legal_basis=_(
            "Issued under art. 44 of the Act of 24 April 2003 on public benefit activity and "
            "volunteering."
        ),
        issued=_("Issued on {day}.").format(day=long_date(certificate.issued_at, place.timezone)),
        check=_("Check that this certificate is genuine: scan the code or open the link."),
        link=link,
        language=language,
    )


def which_period() -> str:
    return _(
        "📄 A certificate of volunteering states the hours you gave and the kinds of "
        "help, for a school, an employer or an office. Which period?"
    )
