"""Quizzes: the list, taking one, the result; L&D imports and exports them as JSON or CSV."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from lodestar.errors import InvalidInput, LodestarError
from lodestar.services import nudges, quizzes
from lodestar.web.deps import CurrentActor, SessionDep, WritingActor
from lodestar.web.forms import FieldErrors, FormDep, handle_form
from lodestar.web.learning_contexts import QuizFormPage, QuizListPage, QuizResultPage
from lodestar.web.templating import render

router = APIRouter(include_in_schema=False)
MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


@router.get("/quizzes")
def quiz_list(request: Request, db: SessionDep, actor: CurrentActor, error: str = "") -> Response:
    page = QuizListPage(actor, quizzes.list_quizzes(db, actor), error)
    return render(request, "quizzes/list.html", page)


@router.post("/quizzes/import")
async def quiz_import(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep
) -> Response:
    upload = form.get("file")
    fmt = "csv"
    text = ""
    if isinstance(upload, UploadFile):
        fmt = "json" if (upload.filename or "").lower().endswith(".json") else "csv"
        text = (await upload.read()).decode("utf-8-sig", errors="replace")

    def act(errors: FieldErrors) -> str:
        summary = quizzes.import_quiz(db, actor, text, fmt)  # type: ignore[arg-type]
        return f"Quiz “{summary.title}” imported with {summary.questions} questions."

    def refused(exc: LodestarError) -> Response:
        problems = exc.details.get("problems", {})
        page = QuizListPage(actor, quizzes.list_quizzes(db, actor), exc.message, problems)
        return render(request, "quizzes/list.html", page, status_code=exc.status)

    return handle_form(request, db, act, refused=refused, done="/quizzes")


@router.get("/quizzes/{code}")
def quiz_form(request: Request, db: SessionDep, actor: CurrentActor, code: str) -> Response:
    quiz = quizzes.get_quiz(db, actor, code)
    return render(request, "quizzes/take.html", QuizFormPage(quiz))


@router.post("/quizzes/{code}")
def quiz_submit(
    request: Request, db: SessionDep, actor: WritingActor, form: FormDep, code: str
) -> Response:
    quiz = quizzes.get_quiz(db, actor, code)
    answers = {
        q.code: [v for v in form.getlist(q.code) if isinstance(v, str)] for q in quiz.questions
    }
    taken: list[int] = []

    def act(errors: FieldErrors) -> str:
        view = quizzes.take_quiz(
            db, actor, code, answers, iri_base=nudges.public_base(request.app.state.settings)
        )
        taken.append(view.id)
        return f"Your result: {view.outcome.name}."

    def refused(exc: LodestarError) -> Response:
        page = QuizFormPage(quiz, answers, exc.details.get("fields", {}), exc.message)
        return render(request, "quizzes/take.html", page, status_code=exc.status)

    return handle_form(
        request, db, act, refused=refused, done=lambda: f"/quizzes/attempts/{taken[0]}"
    )


@router.get("/quizzes/attempts/{attempt_id:int}")
def quiz_result(request: Request, db: SessionDep, actor: CurrentActor, attempt_id: int) -> Response:
    view = quizzes.get_attempt(db, actor, attempt_id)
    page = QuizResultPage(view, quizzes.recommended_learning(db, view))
    return render(request, "quizzes/result.html", page)


@router.get("/quizzes/{code}/export.{fmt}")
def quiz_export(db: SessionDep, actor: CurrentActor, code: str, fmt: str) -> Response:
    if fmt not in MEDIA:
        raise InvalidInput("A quiz exports as .json or .csv; ask for one of those.")
    text = quizzes.export_quiz(db, actor, code, fmt)  # type: ignore[arg-type]
    return Response(
        text,
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{code}.{fmt}"'},
    )
