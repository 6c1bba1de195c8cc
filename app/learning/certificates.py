"""An earned certificate: found by its course or its code, and outside Podium its public
address, LinkedIn's "add to profile" link, and a one-page PDF.

The code itself is issued when the course is completed (``completion``)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlencode

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlmodel import Session, select

from app.content import moments
from app.learning.progress import get_enrolment
from app.models import Course, Enrolment, User

LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"

# Debian's DejaVu (fonts-dejavu-core, pulled in by fontconfig): every Latin, Greek and
# Cyrillic name prints as typed. Without it the PDF falls back to a core font and names
# are transliterated (accents kept where Latin-1 has them, "?" for what cannot be shown).
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

_PUNCTUATION = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
    "\u2014": "-", "\u2026": "...", "\u00a0": " ",
    # letters with no decomposition into a base letter
    "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0152": "OE",
    "\u0153": "oe", "\u0131": "i", "\u0126": "H", "\u0127": "h"})


@dataclass(frozen=True)
class Certificate:
    code: str
    full_name: str
    course_title: str
    completed_at: datetime
    user_id: int
    course_slug: str


def certificate_for(session: Session, *, user_id: int, course: Course) -> Certificate | None:
    enrolment = get_enrolment(session, user_id=user_id, course_id=course.id)
    if enrolment is None or not enrolment.completed_at or not enrolment.certificate_code:
        return None
    return verify_certificate(session, code=enrolment.certificate_code)


def verify_certificate(session: Session, *, code: str) -> Certificate | None:
    normalised = code.strip().upper()
    row = session.exec(
        select(Enrolment, User, Course)
        .join(User, User.id == Enrolment.user_id)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.certificate_code == normalised)
    ).first()
    if row is None or row[0].completed_at is None:
        return None
    enrolment, user, course = row
    return Certificate(
        code=normalised,
        full_name=user.full_name,
        course_title=course.title,
        completed_at=enrolment.completed_at,
        user_id=user.id,
        course_slug=course.slug,
    )


def verify_url(public_url: str, certificate: Certificate) -> str:
    """The certificate's public check page (anyone may open it)."""
    return f"{public_url.rstrip('/')}/certificates/{quote(certificate.code)}"


def linkedin_url(certificate: Certificate, *, organisation: str, public_url: str) -> str:
    """LinkedIn's add-to-profile link: the Licenses & certifications form, filled in."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.course_title,
        "organizationName": organisation,
        "issueYear": str(certificate.completed_at.year),
        "issueMonth": str(certificate.completed_at.month),
        "certUrl": verify_url(public_url, certificate),
        "certId": certificate.code,
    }
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(params, quote_via=quote)}"


def pdf_filename(certificate: Certificate) -> str:
    """A file name safe in any header and file system: ASCII letters, digits, dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", certificate.course_slug.lower()).strip("-")[:60]
    code = re.sub(r"[^A-Z0-9-]", "", certificate.code)
    return f"certificate-{slug or 'course'}-{code}.pdf"


def transliterate(text: str) -> str:
    """Text the PDF core fonts can show (Latin-1): typographic punctuation made plain,
    accents dropped only where Latin-1 has no such letter, anything else as "?"."""
    out = []
    for char in text.translate(_PUNCTUATION):
        if ord(char) < 256:
            out.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char)
                       if not unicodedata.combining(c))
        out.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(out)


def _fonts(pdf: FPDF, font_dir: Path) -> tuple[str, bool]:
    paths = {style: font_dir / name for style, name in FONT_FILES.items()}
    if all(path.is_file() for path in paths.values()):
        for style, path in paths.items():
            pdf.add_font("DejaVu", style, str(path))
        return "DejaVu", True
    return "helvetica", False


def certificate_pdf(certificate: Certificate, *, organisation: str, public_url: str,
                    compress: bool = True, font_dir: Path = FONT_DIR) -> bytes:
    """A one-page landscape A4 certificate: name, course, date, certificate id and the
    address where anyone can check it."""
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_compression(compress)
    family, unicode_font = _fonts(pdf, font_dir)

    def text(value: str) -> str:
        return value if unicode_font else transliterate(value)

    pdf.set_title(f"Certificate of completion: {certificate.course_title}")
    pdf.set_subject(f"{certificate.full_name} completed {certificate.course_title}")
    pdf.set_author(organisation)
    pdf.set_creator("Podium")
    pdf.set_creation_date(certificate.completed_at)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width, height = pdf.w, pdf.h

    # A double frame in the brand's ink and accent
    pdf.set_draw_color(31, 41, 55)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_draw_color(37, 99, 235)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, width - 28, height - 28)

    inner = width - 60
    pdf.set_left_margin(30)
    pdf.set_right_margin(30)

    def line(value: str, size: float, *, bold: bool = False, gap: float = 4,
             grey: bool = False) -> None:
        pdf.set_font(family, "B" if bold else "", size)
        pdf.set_text_color(*((90, 98, 112) if grey else (17, 24, 39)))
        pdf.multi_cell(inner, size * 0.5, text(value), align="C",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    pdf.set_y(34)
    line(organisation.upper(), 12, bold=True, gap=10, grey=True)
    line("Certificate of completion", 30, bold=True, gap=12)
    line("This certifies that", 13, grey=True, gap=6)
    line(certificate.full_name, 28, bold=True, gap=8)
    line("has completed the course", 13, grey=True, gap=6)
    line(certificate.course_title, 20, bold=True, gap=8)
    completed = certificate.completed_at
    line(f"on {moments.day(completed)}", 13, gap=0)

    pdf.set_y(height - 44)
    line(f"Certificate ID {certificate.code}", 11, bold=True, gap=2)
    line(f"Check it at {verify_url(public_url, certificate)}", 10, grey=True, gap=0)
    return bytes(pdf.output())
