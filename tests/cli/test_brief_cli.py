"""`lodestar brief program|portfolio` write the same brief as the web, whole or not at all."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from lodestar.cli.main import app
from lodestar.config import get_settings
from lodestar.db.models import Program, User
from lodestar.db.session import make_engine
from lodestar.services.accounts import actor_of
from lodestar.services.impact.program_impact import estimate_program_impact

runner = CliRunner()


@pytest.fixture(autouse=True)
def _fresh_settings():
    # The CLI reads its database from settings, which are cached per process: a test that ran
    # earlier on this worker must not decide which database these commands open.
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_brief_program_pdf_html_and_refusals(web_database, tmp_path, monkeypatch):
    monkeypatch.setenv("LODESTAR_DATABASE_URL", web_database)
    engine = make_engine(web_database)
    with Session(engine) as s, s.begin():
        pid = s.scalar(select(Program.id).where(Program.code == "mindful_webinars"))
        ld = actor_of(s.scalar(select(User).where(User.role == "ld").order_by(User.id)))
        estimate_program_impact(s, ld, pid)
    engine.dispose()
    out = tmp_path / "mindful.pdf"
    done = runner.invoke(
        app,
        [
            "brief",
            "program",
            "mindful_webinars",
            "--out",
            str(out),
            "--paper",
            "letter",
            "--as",
            "helen@brightwater.example",
        ],
    )
    assert done.exit_code == 0, done.output
    assert "Wrote the brief of Mindful Productivity webinar series" in done.output
    doc = pdfium.PdfDocument(out.read_bytes())
    assert len(doc) == 1 and round(doc[0].get_size()[0]) == 612
    doc.close()
    html = tmp_path / "mindful.html"
    assert (
        runner.invoke(
            app, ["brief", "program", str(pid), "--format", "html", "--out", str(html)]
        ).exit_code
        == 0
    )
    assert 'href="http://localhost:8000/programs/' in html.read_text()
    bad = runner.invoke(
        app,
        [
            "brief",
            "program",
            "mindful_webinars",
            "--format",
            "docx",
            "--out",
            str(tmp_path / "x.docx"),
        ],
    )
    assert bad.exit_code == 1 and "Choose one of: pdf, html." in bad.output
    assert not (tmp_path / "x.docx").exists()
    employee = runner.invoke(
        app,
        [
            "brief",
            "program",
            "mindful_webinars",
            "--out",
            str(tmp_path / "e.pdf"),
            "--as",
            "jonas@brightwater.example",
        ],
    )
    assert employee.exit_code == 1 and "Ask your manager" in employee.output
    assert not (tmp_path / "e.pdf").exists()


def test_brief_portfolio(web_database, tmp_path, monkeypatch):
    monkeypatch.setenv("LODESTAR_DATABASE_URL", web_database)
    out = tmp_path / "portfolio.pdf"
    done = runner.invoke(app, ["brief", "portfolio", "--out", str(out)])
    assert done.exit_code == 0, done.output
    doc = pdfium.PdfDocument(out.read_bytes())
    assert len(doc) == 1
    doc.close()
