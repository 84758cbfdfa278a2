"""The ``ketamine-kg`` command line: build, query, check, export, serve.

It lives in ``server/`` because ``serve`` needs the web app and dependencies only run one way
(ontology ← graph ← server); the other subcommands import nothing from Flask. Every user error
is one line on stderr and exit status 1 (2 for a malformed command line, as click does);
subcommands and flags, once released, stay stable because users' scripts call them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from graph.errors import KGError
from graph.store import default_home
from ketamine_kg_data import ResourceMissingError
from ontology.java import JavaMissingError

HOME_OPTION = click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the built graph (default: $KKG_HOME or ./instance).",
)


class KGGroup(click.Group):
    """A click group that turns every user error into one line on stderr.

    The project's own errors exit 1; a malformed command line (unknown option, bad choice)
    exits 2 as click does, but as one line too, so scripts can log it without a usage dump.
    """

    def main(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)  # type: ignore[arg-type]
        except click.ClickException as exc:
            hint = f" (see 'ketamine-kg {exc.ctx.command_path.split(' ', 1)[-1]} --help')" \
                if isinstance(exc, click.UsageError) and exc.ctx and exc.ctx.parent else ""
            click.echo(f"ketamine-kg: error: {exc.format_message()}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("ketamine-kg: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:  # `ketamine-kg export | head`: the reader left, not an error
            sys.stderr.close()
            sys.exit(0)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (KGError, JavaMissingError, ResourceMissingError) as exc:
            click.echo(f"ketamine-kg: error: {exc}", err=True)
            sys.exit(1)
        except OSError as exc:  # an unwritable --out, a full disk: say which file, no traceback
            where = f" {exc.filename}" if exc.filename else ""
            click.echo(f"ketamine-kg: error:{where}: {exc.strerror or exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("ketamine-kg: interrupted", err=True)
            sys.exit(130)


@click.group(cls=KGGroup)
@click.version_option(package_name="ketamine-kg")
def main() -> None:
    """An evidence-aware knowledge graph of a drug's medical uses, built from text."""


def _home(home: Path | None) -> Path:
    return (home or default_home()).resolve()


def _progress(message: str) -> None:
    click.echo(message, err=True)


def format_seconds(seconds: dict[str, float]) -> str:
    """Stage timings as people read them: ``ontology 1.2 s, extract 0.1 s, …``.

    The report keeps the raw figures (``--report FILE`` writes them as JSON); the terminal
    line printed Python's dict repr before.
    """
    return ", ".join(f"{stage} {value:.1f} s" for stage, value in seconds.items()) or "-"


@main.command()
@click.argument("docs", nargs=-1, type=click.Path(path_type=Path))
@HOME_OPTION
@click.option("--fresh", is_flag=True, help="Start from an empty graph instead of adding to it.")
@click.option("--no-reason", is_flag=True, help="Skip the HermiT reasoner (no inferred graph).")
@click.option("--report", "report_path", type=click.Path(path_type=Path), default=None,
              help="Also write the build report as JSON to this file.")
def build(docs: tuple[Path, ...], home: Path | None, fresh: bool, no_reason: bool,
          report_path: Path | None) -> None:
    """Extract DOCS (files or folders; default: the shipped corpus) into the graph."""
    from dataclasses import asdict

    from graph.build import build as run_build
    from graph.build import default_corpus

    paths = list(docs) or [default_corpus()]
    report = run_build(paths, _home(home), fresh=fresh, reason=not no_reason,
                       progress=_progress)
    for doc in report.documents:
        click.echo(f"{doc.doc_id}: {doc.claims} claims, {doc.uses} uses, "
                   f"{doc.candidates} candidate terms, {doc.triples} triples ({doc.path})")
    if report.kept_documents:
        click.echo(f"kept from the previous graph: {', '.join(report.kept_documents)}")
    click.echo(f"graph: {report.total_quads} quads, {report.inferred_triples} inferred; "
               f"time: {format_seconds(report.seconds)}")
    if report_path:
        report_path.write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")


@main.command()
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind a query parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@HOME_OPTION
def query(name: str, params: tuple[str, ...], fmt: str, home: Path | None) -> None:
    """Run a named query (see 'ketamine-kg query list') or a .rq FILE."""
    from graph.query_runner import format_rows, list_queries, run_named

    if name == "list":
        click.echo(list_queries())
        return
    values = _parse_params(params)
    columns, rows = run_named(name, values, _home(home))
    click.echo(format_rows(columns, rows, fmt), nl=False)


def _parse_params(params: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--param expects KEY=VALUE, got {item!r}")
        values[key.strip()] = value
    return values


@main.command()
@HOME_OPTION
@click.option("--skip-java", is_flag=True, help="Skip the OWL API profile check and HermiT.")
def check(home: Path | None, skip_java: bool) -> None:
    """Lint the ontology, run the reasoner and the violation queries, list candidate terms."""
    from graph.checks import run_checks

    failures = run_checks(_home(home), skip_java=skip_java, echo=click.echo)
    if failures:
        click.echo(f"ketamine-kg: check failed: {failures} problem(s)", err=True)
        sys.exit(1)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "owl", "jsonld", "nq", "trig"]),
              default="ttl", show_default=True)
@click.option("--inferred", is_flag=True, help="Include the reasoner's inferred triples.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of stdout.")
@HOME_OPTION
def export(fmt: str, inferred: bool, out: Path | None, home: Path | None) -> None:
    """Export the whole graph, ontology included, in an RDF format."""
    from graph.export import export_graph

    data = export_graph(_home(home), fmt, include_inferred=inferred)
    if out:
        out.write_bytes(data)
        click.echo(f"wrote {len(data)} bytes to {out}", err=True)
    else:
        sys.stdout.buffer.write(data)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--data", "data_files", multiple=True, type=click.Path(path_type=Path),
              help="Serve these RDF files instead of the built graph (repeatable).")
@click.option("--engine", default=None, help="URL of a SPARQL endpoint to use instead.")
@HOME_OPTION
def serve(host: str, port: int, workers: int, data_files: tuple[Path, ...],
          engine: str | None, home: Path | None) -> None:
    """Serve the graph: SPARQL endpoint, API, pages and graph view (Granian)."""
    import os

    from server.serving import serve as run_server

    config: dict[str, object] = {"KKG_HOME": str(_home(home))}
    if data_files:
        config["KKG_DATA_FILES"] = os.pathsep.join(str(p.resolve()) for p in data_files)
    if engine:
        config["KKG_ENGINE"] = engine
    run_server(host, port, workers=workers, config=config)


@main.command()
@click.option("--to", "target", required=True, metavar="URL",
              help="Graph Store endpoint of the engine (Oxigraph: http://host:7878/store).")
@click.option("--data", "data_files", multiple=True, type=click.Path(path_type=Path),
              help="Publish these RDF files instead of the built graph (repeatable).")
@HOME_OPTION
def publish(target: str, data_files: tuple[Path, ...], home: Path | None) -> None:
    """Upload every named graph (ontology, documents, inferred) with one PUT each.

    Credentials: KKG_ENGINE_USER and KKG_ENGINE_PASSWORD. Publishing again replaces the graphs.
    """
    from graph.loading import load_rdf_files
    from graph.publish import credentials_from_env
    from graph.publish import publish as run_publish
    from graph.store import GraphStore

    store = load_rdf_files(list(data_files)) if data_files else GraphStore.open_home(_home(home))
    user, password = credentials_from_env()
    report = run_publish(store, target, user=user, password=password, progress=_progress)
    click.echo(f"published {len(report.graphs)} graphs ({report.triples} triples) to"
               f" {report.target} in {report.seconds} s")


if __name__ == "__main__":  # pragma: no cover
    main()
