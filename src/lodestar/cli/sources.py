"""`lodestar source`: point a KPI at the table where its observations live (Parquet, DuckDB,
PostgreSQL or Spark), show it, or take it away. Connections' addresses and credentials stay
in the settings (LODESTAR_SOURCES__CONNECTIONS__<NAME>__URL); see docs/external-sources.md."""

from __future__ import annotations

import typer

from lodestar.cli.context import AS_OPTION, acting_user, fail, session_scope

app = typer.Typer(
    help="External KPI sources: where a KPI's observations live.", no_args_is_help=True
)


def _kpi_id(session: object, reference: str) -> int:
    from lodestar.errors import LodestarError
    from lodestar.services.lookups import kpi_id_by_reference

    try:
        return kpi_id_by_reference(session, reference)  # type: ignore[arg-type]
    except LodestarError as exc:
        raise fail(exc) from None


@app.command("set")
def set_(
    kpi: str = typer.Argument(..., help="KPI code or number."),
    kind: str = typer.Option(..., help="parquet, duckdb, postgres or spark."),
    location: str = typer.Option(..., help="Parquet file, folder or glob; else the table name."),
    connection: str | None = typer.Option(
        None, help="Name of a connection in the settings (not for parquet)."
    ),
    subject: str = typer.Option(..., help="Column with the employee (or team) number."),
    period: str = typer.Option(..., help="Column with the period (a date or a number)."),
    value: str = typer.Option(..., help="Column with the KPI value."),
    weight: str | None = typer.Option(None, help="Column with a weight, if any."),
    as_: str | None = AS_OPTION,
) -> None:
    """Check the table and the columns, then read this KPI's observations from there."""
    from lodestar.errors import LodestarError
    from lodestar.services.impact.kpi_sources import SourceInput, set_kpi_source

    with session_scope() as session:
        actor = acting_user(session, as_)
        data = SourceInput(
            kind=kind,
            location=location,
            connection=connection,
            subject_column=subject,
            period_column=period,
            value_column=value,
            weight_column=weight,
        )
        try:
            view = set_kpi_source(session, actor, _kpi_id(session, kpi), data)
        except LodestarError as exc:
            raise fail(exc) from None
        typer.echo(f"Checked and saved: the KPI's observations are read from the {view.described}.")


@app.command("show")
def show(
    kpi: str = typer.Argument(..., help="KPI code or number."), as_: str | None = AS_OPTION
) -> None:
    """Where the KPI's observations are read from, and which column holds what."""
    from lodestar.errors import LodestarError
    from lodestar.services.impact.kpi_sources import kpi_source

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            view = kpi_source(session, actor, _kpi_id(session, kpi))
        except LodestarError as exc:
            raise fail(exc) from None
    if view is None:
        typer.echo("Its observations are in Lodestar's own database (imported).")
        return
    m = view.mapping
    typer.echo(f"Read from the {view.described}, checked {view.checked_at:%Y-%m-%d %H:%M} UTC.")
    typer.echo(
        f"Columns: the person in '{m.subject}', the period in '{m.period}', the value in "
        f"'{m.value}'" + (f", the weight in '{m.weight}'." if m.weight else ", no weight.")
    )


@app.command("remove")
def remove(
    kpi: str = typer.Argument(..., help="KPI code or number."), as_: str | None = AS_OPTION
) -> None:
    """Read the KPI's observations from Lodestar's own database again."""
    from lodestar.errors import LodestarError
    from lodestar.services.impact.kpi_sources import remove_kpi_source

    with session_scope() as session:
        actor = acting_user(session, as_)
        try:
            remove_kpi_source(session, actor, _kpi_id(session, kpi))
        except LodestarError as exc:
            raise fail(exc) from None
    typer.echo("Removed: the KPI's observations are read from Lodestar's database again.")
