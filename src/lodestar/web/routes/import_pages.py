"""Data in, on the web: the upload page, the report of one import, and that report as CSV.

Only the L&D team and administrators import (``services.imports`` decides). The upload is
one multipart POST; whatever happens, the import is recorded and the browser is sent to its
report page (Post/Redirect/Get), which lists every rejected row.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from lodestar.errors import InvalidInput, LodestarError
from lodestar.services import imports
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FormDep, see_other
from lodestar.web.templating import render

router = APIRouter(include_in_schema=False)
SHOWN_ON_PAGE = 1000


def _page(request: Request, db: SessionDep, actor: CurrentActor, error: str | None = None,
          kind: str = "", status: int = 200) -> Response:  # fmt: skip
    return render(
        request,
        "imports/upload.html",
        {
            "kinds": imports.KIND_LABELS,
            "runs": imports.recent_runs(db, actor),
            "error": error,
            "kind": kind,
        },
        status_code=status,
    )


@router.get("/imports")
def import_page(request: Request, db: SessionDep, actor: CurrentActor) -> Response:
    imports.require_importer(actor)
    return _page(request, db, actor)


@router.post("/imports")
async def upload(request: Request, db: SessionDep, actor: WritingActor, form: FormDep) -> Response:
    imports.require_importer(actor)
    kind = str(form.get("kind") or "")
    upload = form.get("file")
    dry_run = form.get("dry_run") in ("1", "on", "true")
    if kind not in imports.IMPORT_KINDS:
        return _page(request, db, actor, "Choose what kind of file this is.", kind, 422)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, db, actor, "Choose a file to import.", kind, 422)
    data = await upload.read()
    try:
        report = imports.import_file(db, actor, kind, data, upload.filename, dry_run=dry_run)
    except imports.ImportRejected as exc:
        db.rollback()
        report = exc.report
    except InvalidInput as exc:
        db.rollback()
        return _page(request, db, actor, exc.message, kind, exc.status)
    except LodestarError:
        db.rollback()
        raise
    run = imports.record_run(db, actor, report)
    db.commit()
    return see_other(f"/imports/{run.id}")


@router.get("/imports/{run_id:int}")
def import_report(request: Request, db: SessionDep, actor: CurrentActor, run_id: int) -> Response:
    run = imports.get_run(db, actor, run_id)
    problems = imports.run_problems(run)
    return render(
        request,
        "imports/report.html",
        {
            "run": run,
            "problems": problems[:SHOWN_ON_PAGE],
            "hidden": max(0, len(problems) - SHOWN_ON_PAGE),
            "kinds": imports.KIND_LABELS,
        },
    )


@router.get("/imports/{run_id:int}/report.csv")
def import_report_csv(db: SessionDep, actor: CurrentActor, run_id: int) -> Response:
    body = imports.run_report_csv(db, actor, run_id)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-{run_id}-report.csv"'},
    )
