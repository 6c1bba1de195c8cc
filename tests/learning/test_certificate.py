"""The certificate page before and after it is earned, its LinkedIn link and its PDF."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlmodel import select

from app.learning import certificates
from app.learning.certificates import Certificate
from app.models import Enrolment, Role
from tests.conftest import csrf_from, login
from tests.courses_data import small_spec

LESSON = "/courses/pilot/lessons/{}"


def _complete(client, slug: str) -> None:
    token = csrf_from(client, LESSON.format(slug))
    response = client.post(LESSON.format(slug) + "/complete", headers={"X-CSRF-Token": token})
    assert response.status_code == 303


def _earned(client, make_user, load_course, enrol, database, **user_args):
    course = load_course(small_spec())
    user = make_user(Role.executive, **user_args)
    enrol(course, user)
    login(client, user.email)
    for slug in ("hello", "world", "deep"):
        _complete(client, slug)
    with database.session() as s:
        code = s.exec(select(Enrolment)).one().certificate_code
    assert code
    return user, code


def test_unearned_certificate_shows_what_is_left(client, make_user, load_course, enrol):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    enrol(course, user)
    login(client, user.email)
    _complete(client, "hello")
    page = client.get("/courses/pilot/certificate")
    assert page.status_code == 200
    assert "Your certificate is not earned yet" in page.text
    assert "Complete 2 more required items" in page.text
    left = re.findall(r'<a class="cert-left-title" href="([^"]+)">([^<]+)</a>', page.text)
    assert left == [(LESSON.format("world"), "World"), (LESSON.format("deep"), "Deep dive")]
    assert "Hello" not in re.sub(r"<nav.*?</nav>", "", page.text, flags=re.S).split(
        "What is left")[1]  # done already
    assert "Extra reading" not in page.text  # optional: not needed for the certificate
    assert "Download PDF" not in page.text and "linkedin.com" not in page.text


def test_certificate_of_someone_else_stays_missing(client, make_user, load_course, enrol):
    course = load_course(small_spec())
    enrol(course, make_user(Role.executive))
    login(client, make_user(Role.executive).email)  # not enrolled
    assert client.get("/courses/pilot/certificate").status_code == 404
    assert client.get("/courses/nowhere/certificate").status_code == 404


def test_earned_certificate_links_to_linkedin_with_its_details(client, make_user, load_course,
                                                               enrol, database):
    _, code = _earned(client, make_user, load_course, enrol, database)
    page = client.get("/courses/pilot/certificate")
    assert page.status_code == 200
    match = re.search(r'<a class="button cert-linkedin" href="([^"]+)"', page.text)
    assert match, page.text
    url = urlsplit(match.group(1).replace("&amp;", "&"))
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    params = {k: v[0] for k, v in parse_qs(url.query, strict_parsing=True).items()}
    with database.session() as s:
        completed = s.exec(select(Enrolment)).one().completed_at
    assert params == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Pilot course",
        "organizationName": "Podium",
        "issueYear": str(completed.year),
        "issueMonth": str(completed.month),
        "certUrl": f"https://testserver/certificates/{code}",
        "certId": code,
    }
    assert f'href="/certificates/{code}/pdf"' in page.text
    assert "https://testserver/certificates/" + code in page.text  # the public check


def test_linkedin_link_uses_the_configured_organisation_and_base_url():
    cert = Certificate(code="ABCD-EFGH-IJKL-MNOP", full_name="Zoë Ø'Brien",
                       course_title="Lead & post: X/LinkedIn", completed_at=datetime(2026, 3, 9),
                       user_id=1, course_slug="lead")
    url = certificates.linkedin_url(cert, organisation="Acme & Co",
                                    public_url="https://learn.acme.example/")
    params = parse_qs(urlsplit(url).query)
    assert params["organizationName"] == ["Acme & Co"]
    assert params["name"] == ["Lead & post: X/LinkedIn"]
    assert params["issueMonth"] == ["3"] and params["issueYear"] == ["2026"]
    assert params["certUrl"] == ["https://learn.acme.example/certificates/ABCD-EFGH-IJKL-MNOP"]


def test_pdf_download_for_the_owner(client, make_user, load_course, enrol, database):
    _, code = _earned(client, make_user, load_course, enrol, database,
                         full_name="Zoë Ångström")
    response = client.get(f"/certificates/{code}/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="certificate-pilot-{code}.pdf"')
    assert response.content.startswith(b"%PDF-")
    assert response.content.count(b"/Type /Page\n") + response.content.count(
        b"/Type /Page>") + response.content.count(b"/Type /Page ") >= 1
    # the name is in the document's metadata (UTF-16 when it is not plain ASCII)
    subject = "Zoë Ångström completed Pilot course"
    assert b"/Subject <feff" + subject.encode("utf-16-be").hex().encode() + b">" \
        in response.content


def test_pdf_access_control(client, new_client, make_user, load_course, enrol, database):
    _, code = _earned(client, make_user, load_course, enrol, database)
    anonymous = new_client()
    assert anonymous.get(f"/certificates/{code}/pdf").status_code in (303, 401)
    other = new_client()
    login(other, make_user(Role.executive).email)
    assert other.get(f"/certificates/{code}/pdf").status_code == 404
    assert "Download PDF" not in other.get(f"/certificates/{code}").text
    for role in (Role.trainer, Role.hr, Role.admin):
        staff = new_client()
        login(staff, make_user(role).email)
        assert staff.get(f"/certificates/{code}/pdf").status_code == 200, role
        assert f'href="/certificates/{code}/pdf"' in staff.get(f"/certificates/{code}").text
    assert client.get("/certificates/AAAA-BBBB-CCCC-DDDD/pdf").status_code == 404


def test_pdf_shows_every_field(tmp_path: Path):
    cert = Certificate(code="ABCD-EFGH-IJKL-MNOP", full_name="Dana Whitfield",
                       course_title="Executive Enablement", completed_at=datetime(2026, 12, 4),
                       user_id=1, course_slug="executive-enablement")
    # Without a Unicode font the core font draws plain text: each field can be read back.
    pdf = certificates.certificate_pdf(cert, organisation="Acme", compress=False,
                                       public_url="https://p.example", font_dir=tmp_path)
    assert pdf.startswith(b"%PDF-")
    for text in (b"Dana Whitfield", b"Executive Enablement", b"on 4 Dec 2026",
                 b"Certificate ID ABCD-EFGH-IJKL-MNOP",
                 b"https://p.example/certificates/ABCD-EFGH-IJKL-MNOP"):
        assert text in pdf, text
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") == 1  # one page


def test_core_font_fallback_transliterates_names():
    assert (certificates.transliterate("Zoë “Łukasz” Żółć \u2013 Straße")
            == 'Zoë "Lukasz" Zólc - Straße')
    assert certificates.transliterate("王小明") == "???"
