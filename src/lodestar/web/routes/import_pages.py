"""Data in, on the web: the upload page, a job's progress, the report of one import, and that
report as CSV.

Only the L&D team and administrators import (``services.imports`` decides). The upload is
one multipart POST that stores the file as an import job and answers at once (303 to the
job's page); the import runs in a background thread, so the server keeps answering other
requests. The job page polls its status with htmx (and refreshes itself without JS) until
the import is done, then links to the report, which lists every rejected row.

An upload whose declared size is over the limit is refused before its body is read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

from lodestar.config import ImportSettings, get_settings
from lodestar.errors import InvalidInput
from lodestar.services import imports
from lodestar.web.contexts import ImportJobPage, ImportReportPage, ImportUploadPage
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FormDep, see_other
from lodestar.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
SHOWN_ON_PAGE = 1000
MULTIPART_OVERHEAD = 64 * 1024  # form fields and part headers around the file


def limits(request: Request) -> ImportSettings:
    """The import settings, from the environment as the import services read them (so the
    page, the upload check and the import itself keep to the same limits)."""
    return get_settings().imports


def upload_size_ok(request: Request) -> None:
    """Refuse an upload from its Content-Length, before the body is read."""
    declared = request.headers.get("content-length", "")
    limit = limits(request).max_upload_bytes
    if declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD:
        raise imports.UploadTooLarge(
            f"The file is {int(declared) / 2**20:,.1f} MiB, more than the "
            f"{limit / 2**20:,.0f} MiB an import may be. Split it into smaller files (each "
            "lands on its own), or ask an administrator to raise "
            "LODESTAR_IMPORTS__MAX_UPLOAD_MB."
        )


SizeChecked = Annotated[None, Depends(upload_size_ok)]


def _page(request: Request, db: SessionDep, actor: CurrentActor, error: str | None = None,
          kind: str = "", status: int = 200) -> Response:  # fmt: skip
    page = ImportUploadPage(
        kinds=imports.KIND_LABELS,
        jobs=imports.recent_jobs(db, actor),
        runs=imports.recent_runs(db, actor),
        error=error,
        kind=kind,
        max_upload_mb=limits(request).max_upload_mb,
    )
    return render(request, "imports/upload.html", page, status_code=status)


@router.get("/imports")
def import_page(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    imports.require_importer(actor)
    response = _page(request, db, actor)
    db.commit()  # jobs found interrupted are marked so
    return response


@router.post("/imports")
async def upload(
    request: Request, _: SizeChecked, db: SessionDep, actor: WritingActor, form: FormDep
) -> Response:
    imports.require_importer(actor)
    kind = str(form.get("kind") or "")
    upload = form.get("file")
    dry_run = form.get("dry_run") in ("1", "on", "true")
    if kind not in imports.IMPORT_KINDS:
        return _page(request, db, actor, "Choose what kind of file this is.", kind, 422)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, db, actor, "Choose a file to import.", kind, 422)
    limit = limits(request).max_upload_bytes
    if upload.size is not None and upload.size > limit:
        return _page(request, db, actor, _too_large(upload.size, limit), kind, 413)
    data = await upload.read(limit + 1)
    if len(data) > limit:
        return _page(request, db, actor, _too_large(len(data), limit), kind, 413)
    try:
        # Storing the file is database work of seconds for a large one: off the event loop,
        # so other requests keep being answered meanwhile.
        job = await run_in_threadpool(
            imports.create_job, db, actor, kind, upload.filename, data=data, dry_run=dry_run
        )
    except InvalidInput as exc:
        db.rollback()
        return _page(request, db, actor, exc.message, kind, exc.status)
    db.commit()
    imports.start_in_background(request.app.state.session_factory, job.id, actor)
    return see_other(f"/imports/jobs/{job.id}")


def _too_large(size: int, limit: int) -> str:
    return (
        f"The file is over {limit / 2**20:,.0f} MiB ({size / 2**20:,.1f} MiB read so far), the "
        "most an import may be. Split it into smaller files, or ask an administrator to raise "
        "LODESTAR_IMPORTS__MAX_UPLOAD_MB."
    )


@router.get("/imports/jobs/{job_id:int}")
def job_page(request: Request, db: SessionDep, actor: CurrentActor, job_id: int) -> Response:
    job = imports.get_job(db, actor, job_id)
    db.commit()
    context = ImportJobPage(job=job, kinds=imports.KIND_LABELS)
    if is_htmx(request):
        return render(request, "imports/job.html", context, block="job_status")
    return render(request, "imports/job.html", context)


@router.post("/imports/jobs/{job_id:int}/rerun")
def rerun(request: Request, db: SessionDep, actor: WritingActor, job_id: int) -> Response:
    job = imports.rerun_job(db, actor, job_id)
    db.commit()
    imports.start_in_background(request.app.state.session_factory, job.id, actor)
    return see_other(f"/imports/jobs/{job.id}")


@router.get("/imports/{run_id:int}")
def import_report(request: Request, db: SessionDep, actor: CurrentActor, run_id: int) -> Response:
    run = imports.get_run(db, actor, run_id)
    problems = imports.run_problems(run)
    page = ImportReportPage(
        run=run,
        problems=problems[:SHOWN_ON_PAGE],
        hidden=max(0, len(problems) - SHOWN_ON_PAGE),
        unlisted=imports.unlisted_sentence(run),
        kinds=imports.KIND_LABELS,
    )
    return render(request, "imports/report.html", page)


@router.get("/imports/{run_id:int}/report.csv")
def import_report_csv(db: SessionDep, actor: CurrentActor, run_id: int) -> Response:
    body = imports.run_report_csv(db, actor, run_id)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-{run_id}-report.csv"'},
    )
