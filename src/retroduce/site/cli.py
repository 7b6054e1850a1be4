"""The `retroduce` command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from retroduce.site import runtime
from retroduce.site.config import SETTINGS, ConfigError

app = typer.Typer(
    help="Retroduce: a workbench for realist syntheses.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
# soft_wrap: messages are not broken at 80 columns when piped, so they stay greppable.
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _project(slug: str):  # noqa: ANN202 (a Project; Django is not set up at import time)
    from retroduce.core.models import Project

    found = Project.objects.filter(slug=slug).first()
    if found is None:
        err.print(f"[red]No project with the slug '{slug}'. See `retroduce projects`.[/red]")
        raise typer.Exit(1)
    return found


def _start(migrate: bool = True) -> None:
    try:
        runtime.setup()
    except ConfigError as exc:
        err.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from None
    if migrate:
        pending, backup = runtime.migrate()
        if backup:
            console.print(f"Backed up the database to {backup} before migrating.")
        if pending:
            console.print(f"Applied {len(pending)} database migrations.")
    from retroduce.core.files import sweep_pending

    if removed := sweep_pending():
        console.print(
            f"Removed {len(removed)} file(s) left by an import or restore that was killed."
        )


def _serve(host: str, port: int, processes: int = 1) -> None:
    import waitress
    from django.conf import settings

    from retroduce.site import config
    from retroduce.site import processes as forked
    from retroduce.site.wsgi import application

    worker = config.flag("RETRODUCE_INPROCESS_WORKER")
    if host not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append(host)
    if processes > 1 and not forked.forking_supported():
        console.print("Several processes need fork(); serving from one.")
        processes = 1
    console.print(f"Serving Retroduce on [bold]http://{host}:{port}/[/bold]  (Ctrl+C stops)")
    if worker:
        console.print(
            "Background tasks run inside the server"
            + (" (in a process of their own, at low priority)." if processes > 1 else ".")
        )
    if processes == 1:
        if worker:
            runtime.start_worker_thread()
        waitress.serve(application, host=host, port=port, threads=8, ident="Retroduce")
        return

    def run_child(listener, index: int) -> None:  # noqa: ANN001
        if index == processes:  # the one extra child: the whole server's task worker
            listener.close()
            runtime.run_background_worker()
            return
        waitress.serve(application, sockets=[listener], threads=8, ident="Retroduce")

    children = processes + 1 if worker else processes
    raise typer.Exit(forked.serve_forked(host, port, children, run_child, console.print))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    processes: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            envvar="RETRODUCE_PROCESSES",
            help="Server processes sharing the port; a team on PostgreSQL: one per core.",
        ),
    ] = 1,
) -> None:
    """Migrate (backing up SQLite first when a migration is pending) and serve the web app."""
    _start()
    _serve(host, port, processes)


@app.command()
def demo(
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Load the demo and exit.")] = False,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Load the demo review (integrated-care-leadership) and serve it."""
    _start()
    from django.conf import settings

    from retroduce.site.demo import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERS, load_demo

    project, created = load_demo()
    console.print(
        f"{'Loaded' if created else 'Found'} the demo project [bold]{project.slug}[/bold] "
        f"in {settings.HOME}."
    )
    table = Table(title="Demo sign-in")
    table.add_column("Username")
    table.add_column("Role")
    for username, role in DEMO_USERS.items():
        table.add_row(username, role.label)
    console.print(table)
    console.print(f"Password for every demo user: [bold]{DEMO_PASSWORD}[/bold]")
    if not no_serve:
        console.print(f"Open http://{host}:{port}/p/{DEMO_SLUG}/ and sign in as demo-owner.")
        _serve(host, port)


@app.command()
def worker(
    until_empty: bool = typer.Option(
        False, "--until-empty", help="Run the queued tasks, then stop (for cron or scripts)."
    ),
) -> None:
    """Run a background-task worker (for teams: run one or more beside the web processes)."""
    _start()
    from django.core.management import call_command

    from retroduce.core.interrupted import new_worker_id, recover_interrupted

    for task_id in recover_interrupted():
        console.print(f"Task {task_id} was interrupted when its worker stopped; marked failed.")
    console.print("Worker started; Ctrl+C stops it after the current task.")
    options = ["--batch"] if until_empty else []
    call_command(
        "db_worker",
        "--queue-name=*",
        "--no-reload",
        f"--worker-id={new_worker_id('worker')}",
        *options,
        verbosity=1,
    )


@app.command()
def createuser(
    username: str,
    password: Annotated[str | None, typer.Option(help="Asked for when not given.")] = None,
    email: Annotated[str, typer.Option(help="Optional e-mail address.")] = "",
    superuser: Annotated[bool, typer.Option(help="Make a site administrator.")] = False,
) -> None:
    """Create a user account."""
    _start()
    from retroduce.core.services import DomainError, create_user

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        create_user(username, password, email=email, superuser=superuser)
    except DomainError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print(f"Created user {username}.")


@app.command()
def projects() -> None:
    """List projects: slug and title."""
    _start()
    from retroduce.core.models import Project

    table = Table("Slug", "Title")
    for project in Project.objects.order_by("slug"):
        table.add_row(project.slug, project.title)
    if not table.row_count:
        console.print(
            "No projects yet. Run `retroduce demo --no-serve` or create one in the web app."
        )
        return
    console.print(table)


@app.command()
def backup(
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for the backup (default: RETRODUCE_HOME/backups/<time>)."),
    ] = None,
) -> None:
    """Back up every project as an archive, and the SQLite database file itself when SQLite is used.

    Restore a project with `retroduce restore FILE.zip`; see the README's backup section.
    """
    import datetime as dt

    _start()
    from django.conf import settings

    from retroduce.core.models import Project
    from retroduce.exchange.archive import archive_project
    from retroduce.site.runtime import backup_sqlite

    folder = out or settings.HOME / "backups" / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    database = backup_sqlite("manual")
    if database is not None:
        console.print(f"Database: {database}")
    projects = list(Project.objects.order_by("slug"))
    with _progress_bar() as progress:
        bar = progress.add_task("Archiving projects", total=len(projects))
        for project in projects:
            target = folder / f"{project.slug}.zip"
            # Written under a temporary name first, so a backup cut short never looks complete.
            partial = target.with_suffix(".zip.partial")
            partial.write_bytes(archive_project(project))
            partial.replace(target)
            progress.advance(bar)
    console.print(f"Archived {len(projects)} project(s) in {folder}")


@app.command()
def check(project: Annotated[str, typer.Argument(help="The project's slug.")]) -> None:
    """Check that every object in a project has the event that created it (audit trail)."""
    _start()
    from retroduce.core.audit import check_audit_trail

    found = _project(project)
    with _progress_bar() as progress:
        bar = progress.add_task("Audit trail", total=None)

        def report(done: int, total: int, message: str = "") -> None:
            progress.update(bar, completed=done, total=total)

        result = check_audit_trail(found, report)
    console.print(result.summary)
    if result.missing:
        raise typer.Exit(1)


@app.command("settings")
def show_settings() -> None:
    """List the environment variables Retroduce reads, with their help."""
    table = Table("Variable", "Default", "Meaning")
    for setting in SETTINGS:
        table.add_row(setting.name, setting.default or "(empty)", setting.help)
    console.print(table)


def _is_refi_project(data: bytes) -> bool:
    from retroduce.core.safezip import member_names

    return "project.qde" in member_names(data)


def _merge_refi_file(project, name: str, data: bytes) -> int:  # noqa: ANN001
    """Merge one .qdpx into the project; 1 when it was refused, else 0."""
    from retroduce.exchange.refi import RefiError
    from retroduce.exchange.refi_merge import merge_refi

    try:
        with console.status(f"Merging {name}"):
            result = merge_refi(project, data, name, None)
    except RefiError as exc:
        err.print(f"[red]Refused, nothing imported: {exc}[/red]")
        return 1
    counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in result.counts.items() if n)
    console.print(f"Merged {name} into {project.slug}: {counts or 'nothing new'}.")
    for line in result.warnings:
        console.print(f"  note: {line}")
    for line in result.unsupported:
        console.print(f"  not imported: {line}")
    return 0


@app.command("import")
def import_(
    project: Annotated[str, typer.Argument(help="The project's slug.")],
    files: Annotated[list[Path], typer.Argument(help="Reference files to import.")],
    episode: Annotated[
        int | None, typer.Option(help="Number of the search episode the files came from.")
    ] = None,
) -> None:
    """Import reference files (RIS, MEDLINE, PubMed XML, BibTeX, EndNote XML, CSV/TSV/XLSX, CSL-JSON),
    or a REFI-QDA project (.qdpx) whose codes, sources, coding and notes merge in by GUID.

    Each file lands whole or not at all; duplicates are then found automatically.
    """
    _start()
    import getpass

    from django.db import transaction

    from retroduce.core.services import DomainError
    from retroduce.sources.importing import run_import, store_upload
    from retroduce.sources.models import ImportBatch

    found = _project(project)
    chosen = None
    if episode is not None:
        chosen = found.episodes.filter(number=episode).first()
        if chosen is None:
            err.print(f"[red]Project '{project}' has no search episode {episode}.[/red]")
            raise typer.Exit(1)
    actor_name = f"cli:{getpass.getuser()}"
    refused = 0
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            err.print(f"[red]{path}: cannot be read ({exc.strerror or exc}).[/red]")
            refused += 1
            continue
        if _is_refi_project(data):
            refused += _merge_refi_file(found, path.name, data)
            continue
        # One transaction per file: its batch, records and deduplication land together or not at
        # all, so an import killed halfway leaves no batch stuck "running" and no records behind.
        with transaction.atomic():
            try:
                batch = store_upload(found, None, path.name, data, chosen)
            except DomainError as exc:
                err.print(f"[red]{exc}[/red]")
                refused += 1
                continue
            with _progress_bar() as progress:
                bar = progress.add_task(path.name, total=100)

                def report(
                    done: int, total: int, message: str = "", bar: int = bar, progress=progress
                ) -> None:  # noqa: ANN001
                    progress.update(bar, completed=done, total=total)

                outcome = run_import(batch, None, report, actor_name=actor_name)
        if outcome.batch.status == ImportBatch.Status.FAILED:
            err.print(f"[red]Refused, nothing imported: {outcome.summary}[/red]")
            refused += 1
        else:
            console.print(outcome.summary)
            for warning in outcome.batch.warnings:
                console.print(f"  note: {warning}")
    if refused:
        raise typer.Exit(1)


@app.command()
def attach(
    project: Annotated[str, typer.Argument(help="The project's slug.")],
    paths: Annotated[list[Path], typer.Argument(help="Files, folders or zip archives of them.")],
    kind: Annotated[
        str,
        typer.Option(
            help="paper, workshop_notes, policy, transcript, report or other (for all files)."
        ),
    ] = "paper",
) -> None:
    """Attach full texts (PDF, HTML, DOCX, TXT) and extract their text.

    Papers are matched to records by a DOI in the file name or text, or by title.
    """
    _start()
    import getpass

    from retroduce.core.services import DomainError
    from retroduce.documents import bulk
    from retroduce.documents.models import Document
    from retroduce.documents.services import link_by_text, run_extraction

    if kind not in Document.Kind.values:
        err.print(
            f"[red]Unknown kind '{kind}'; use one of {', '.join(Document.Kind.values)}.[/red]"
        )
        raise typer.Exit(2)
    found = _project(project)
    actor_name = f"cli:{getpass.getuser()}"
    files: list[tuple[str, bytes]] = []
    refused = 0
    for path in paths:
        try:
            if path.is_dir():
                files.extend(bulk.folder_files(path))
            elif path.suffix.lower() == ".zip":
                files.extend(bulk.zip_members(path.read_bytes(), path.name))
            else:
                files.append((path.name, path.read_bytes()))
        except OSError as exc:
            err.print(f"[red]{path}: cannot be read ({exc.strerror or exc}).[/red]")
            refused += 1
        except DomainError as exc:
            err.print(f"[red]{exc}[/red]")
            refused += 1
    outcome = bulk.attach_many(found, None, files, kind, actor_name=actor_name)
    for reason in outcome.refused:
        err.print(f"[red]{reason}[/red]")
    failed = 0
    with _progress_bar() as progress:
        for document in outcome.attached:
            bar = progress.add_task(document.file_name, total=None)

            def report(
                done: int, total: int, message: str = "", bar: int = bar, progress=progress
            ) -> None:  # noqa: ANN001
                progress.update(bar, completed=done, total=total)

            result = run_extraction(document, None, report, actor_name=actor_name)
            if not result.ok:
                err.print(f"[red]{result.summary}[/red]")
                failed += 1
                continue
            linked = link_by_text(result.document, None)
            note = f"; matched to a record by {linked}" if linked else ""
            progress.update(bar, completed=1, total=1)
            progress.console.print(result.summary + note)
    console.print(outcome.summary + (f", {failed} could not be read" if failed else ""))
    if refused or outcome.refused or failed:
        raise typer.Exit(1)


@app.command()
def query(
    project: Annotated[str, typer.Argument(help="The project's slug.")],
    context: Annotated[str, typer.Option(help="Words the context must contain.")] = "",
    mechanism: Annotated[str, typer.Option(help="Words the mechanism must contain.")] = "",
    outcome: Annotated[str, typer.Option(help="Words the outcome must contain.")] = "",
    actor: Annotated[str, typer.Option(help="Words the actor must contain.")] = "",
    component: Annotated[str, typer.Option(help="Part of a component's name.")] = "",
    code: Annotated[str, typer.Option(help="A code carried by the evidence.")] = "",
    min_strength: Annotated[int, typer.Option(help="Evidence level 0-4.")] = 0,
    version: Annotated[int | None, typer.Option(help="Theory version (default: latest).")] = None,
) -> None:
    """What works, for whom, in what circumstances: matching CMOCs with their evidence, as JSON."""
    _start()
    import json

    from retroduce.theory.query import Criteria, answer

    found = _project(project)
    criteria = Criteria(
        context=context,
        mechanism=mechanism,
        outcome=outcome,
        actor=actor,
        component=component,
        code=code,
        min_strength=min_strength,
        version=version,
    )
    chosen, answers = answer(found, criteria)
    if chosen is None:
        err.print(
            f"[red]Project '{project}' has no theory version{f' {version}' if version else ''}.[/red]"
        )
        raise typer.Exit(1)
    # Plain print: JSON must not be wrapped or coloured by rich.
    print(json.dumps([a.as_dict() for a in answers], ensure_ascii=False, indent=2))


EXPORT_FORMATS = ("archive", "qdpx", "qdc", "ris", "csv", "xlsx")


@app.command()
def export(
    project: str,
    format: Annotated[str, typer.Option("--format", help=", ".join(EXPORT_FORMATS))],
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
) -> None:
    """Export a project: the whole project as an archive (the backup), REFI-QDA (.qdpx, or the
    codebook alone as .qdc) for NVivo and ATLAS.ti, or its records as RIS, CSV or XLSX."""
    if format not in EXPORT_FORMATS:
        err.print(f"[red]Unknown format '{format}': choose {', '.join(EXPORT_FORMATS)}.[/red]")
        raise typer.Exit(2)
    _start()
    found = _project(project)
    if format == "archive":
        from retroduce.exchange.archive import archive_project

        with _progress_bar() as progress:
            bar = progress.add_task("Archiving", total=1)

            def report(done: int, total: int, message: str = "") -> None:
                progress.update(bar, completed=done, total=total, description=message)

            data = archive_project(found, report)
        out.write_bytes(data)
        console.print(f"Wrote {out} ({len(data) / 1_048_576:.1f} MiB): the whole project.")
        return
    if format in ("ris", "csv", "xlsx"):
        from retroduce.exchange import references

        with console.status("Gathering the records"):
            out.write_bytes(references.records_file(found, format))
        console.print(f"Wrote {out}: the project's records with their screening decisions.")
        return
    from retroduce.coding.codebook import ensure_codebook
    from retroduce.exchange import refi
    from retroduce.exchange.refi_export import project_to_refi

    with console.status("Gathering the project"):
        ensure_codebook(found)  # the realist kinds, so a review not yet coded still has a codebook
        model = project_to_refi(found)
    data = refi.write_qdpx(model) if format == "qdpx" else refi.codebook_qdc(model)
    out.write_bytes(data)
    selections = sum(isinstance(x, refi.TextSelection) for s in model.sources for x in s.selections)
    areas = sum(isinstance(x, refi.PDFSelection) for s in model.sources for x in s.selections)
    console.print(
        f"Wrote {out}: {len(model.sources)} sources, {selections} coded passages "
        f"({areas} also as PDF areas), "
        f"{len(model.notes)} memos, {len(model.sets)} CMOCs as sets."
    )


def _owner_for_restore(owner: str | None):  # noqa: ANN202 (a user; Django is set up by then)
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.all()
    chosen = (
        users.filter(username=owner).first()
        if owner
        else (users.first() if users.count() == 1 else None)
    )
    if chosen is None:
        err.print(
            "[red]Name the owner with --owner USERNAME (an existing account; see `retroduce createuser`).[/red]"
        )
        raise typer.Exit(2)
    return chosen


def _is_project_archive(data: bytes) -> bool:
    from retroduce.core.safezip import member_names
    from retroduce.exchange.archive import JSON_MEMBER

    return JSON_MEMBER in member_names(data)


@app.command()
def restore(
    file: Path,
    owner: Annotated[
        str | None,
        typer.Option(help="Username of the new project's owner (default: the only account)."),
    ] = None,
) -> None:
    """Restore a project from its archive (a backup) or from a REFI-QDA .qdpx; prints the new
    project's slug on the last line."""
    _start()
    chosen = _owner_for_restore(owner)
    try:
        data = file.read_bytes()
    except OSError as exc:
        err.print(f"[red]{file}: cannot be read ({exc.strerror or exc}).[/red]")
        raise typer.Exit(1) from None
    from retroduce.core.safezip import UnsafeArchive  # what both restores raise on refusal

    unsupported: list[str] = []
    try:
        if _is_project_archive(data):
            from retroduce.exchange.archive import restore_archive

            with _progress_bar() as progress:
                bar = progress.add_task("Restoring", total=1)

                def report(done: int, total: int, message: str = "") -> None:
                    progress.update(bar, completed=done, total=total, description=message)

                result = restore_archive(data, file.name, chosen, report)
        else:
            from retroduce.exchange.refi_import import restore_refi

            result = restore_refi(data, file.name, chosen)
            unsupported = result.unsupported
    except UnsafeArchive as exc:
        err.print(f"[red]Refused, nothing restored: {exc}[/red]")
        raise typer.Exit(1) from None
    counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
    console.print(f"Restored {file.name}: {counts}.")
    for line in result.warnings:
        console.print(f"  note: {line}")
    for line in unsupported:
        console.print(f"  not restored: {line}")
    print(result.project.slug)


@app.command()
def report(
    project: str,
    format: Annotated[str, typer.Option("--format", help="docx, html or md")],
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
) -> None:
    """Write the RAMESES report of a project (Markdown figures are written beside the file)."""
    if format not in ("docx", "html", "md"):
        err.print(f"[red]Unknown format '{format}': use docx, html or md.[/red]")
        raise typer.Exit(2)
    _start()
    from retroduce.reports.build import build_report
    from retroduce.reports.writers import markdown_figures, to_docx, to_html, to_markdown

    found = _project(project)
    with console.status("Gathering the project's work"):
        document, items, _facts = build_report(found)
    if format == "docx":
        out.write_bytes(to_docx(document))
    elif format == "html":
        out.write_text(to_html(document), encoding="utf-8")
    else:
        out.write_text(to_markdown(document), encoding="utf-8")
        for name, data in markdown_figures(document).items():
            (out.parent / name).write_bytes(data)
    met = sum(1 for i in items if i.status == "met")
    console.print(f"Wrote {out} ({met} of 19 RAMESES items met; see the checklist inside).")


@app.command()
def simulate(
    file: Path,
    seeds: Annotated[int, typer.Option(help="Number of seeds.")] = 1,
    model: Annotated[str | None, typer.Option(help="Model name.")] = None,
    out: Annotated[Path | None, typer.Option(help="JSONL output.")] = None,
) -> None:
    """Run screening simulations on a labelled dataset."""
    # Pure functions over the file: no database, so no _start().
    from retroduce.screening.ranking.command import run_simulate

    code = run_simulate(file, seeds, model, out)
    if code:
        raise typer.Exit(code)


@app.command()
def dedup(
    file: Path,
    out: Annotated[Path, typer.Option("--out", help="clusters.csv to write.")],
) -> None:
    """Deduplicate a bibliographic CSV into clusters."""
    # Pure functions over the file: no database, so no _start().
    from retroduce.sources.dedup import ImportFailure, dedup_csv

    failure: ImportFailure | None = None
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        bar = progress.add_task("Reading", total=None)

        def report(done: int, total: int, message: str = "") -> None:
            progress.update(bar, completed=done, total=total, description=message or "Working")

        try:
            summary = dedup_csv(file, out, report=report)
        except ImportFailure as exc:
            failure = exc
    if failure is not None:
        # markup=False: file names and CSV content may contain [brackets] rich would interpret.
        err.print(f"Cannot deduplicate: {failure}", style="red", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    console.print(summary.line, markup=False, soft_wrap=True)


def main() -> None:
    try:
        app()
    except ConfigError as exc:
        err.print(f"Configuration error: {exc}")
        sys.exit(2)
