"""``cohortwatch scan``: does a file hold participant-level rows of the cohort?

Exit codes for an egress gateway: 0 nothing found, 1 participant-level data found, 2 error (a bad
option, the fingerprint or key, or any file that could not be read).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from cohortwatch.commands.fingerprint import DICTIONARY_DIR, KEY_FILE, _dictionary, _settings
from cohortwatch.keys import load_key
from cohortwatch.memory import keep_memory_for_one_off_scan
from matcher.fingerprint import check_key, load_fingerprint
from matcher.fingerprint.build import Progress
from matcher.samples import Limits
from matcher.scan import ScanResult, scan_path

EXIT_FOUND = 1
EXIT_ERROR = 2
PROGRESS_BYTES = 50 * 1024 * 1024


def register(group: click.Group) -> None:
    """Add ``scan`` to the CLI."""
    group.add_command(scan)


def _line(result: ScanResult) -> str:
    if result.verdict == "error":
        return f"{result.file}: error: {result.error}"
    text = f"{result.file}: {result.verdict} ({result.linked_rows}/{result.rows} rows linked"
    text += f", chance {result.expected_chance_links:.2g}"
    if result.release:
        text += f", release {result.release}"
    if result.canaries:
        text += f", {result.canaries} canaries"
    return text + ")"


@click.command("scan")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--fingerprint", "fp_path", type=click.Path(path_type=Path, exists=True), required=True
)
@KEY_FILE
@DICTIONARY_DIR
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, in a list.")
@click.option(
    "--max-bytes", type=int, default=Limits().max_total_bytes, show_default=True,
    help="Refuse files (or unpacked containers) larger than this.",
)  # fmt: skip
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_context
def scan(
    ctx: click.Context,
    files: tuple[Path, ...],
    fp_path: Path,
    key_file: Path | None,
    dictionary_dir: Path | None,
    as_json: bool,
    max_bytes: int,
    quiet: bool,
) -> None:
    """Scan files for participant-level rows of the cohort and say which release they came from.

    Reads CSV/TSV (any delimiter and encoding), XLSX, JSON, Parquet, HTML, notebooks, pasted text
    tables, and ZIP/GZ containers. Exit code 0: clean; 1: participant-level data found; 2: error.

    Example:

    \b
        cohortwatch scan export.zip notebook.ipynb --fingerprint ukb.fp \\
            --key-file fingerprint.key --json
    """
    keep_memory_for_one_off_scan()  # a process of its own: memory it frees serves it again
    key = load_key(key_file, _settings())  # type: ignore[arg-type]
    fp = load_fingerprint(fp_path, map_file=True)  # this process lives for these scans
    check_key(fp, key)
    dictionary = _dictionary(dictionary_dir)
    limits = Limits(max_total_bytes=max_bytes)
    results = []
    from cohortwatch.commands.fingerprint import progress_bar

    big = sum(p.stat().st_size for p in files if p.is_file()) > PROGRESS_BYTES
    with progress_bar("scan", quiet=quiet or not big) as report:
        for number, path in enumerate(files, start=1):
            stages = _file_stages(report, f"{path.name} ({number}/{len(files)})")
            result = scan_path(
                path, fingerprint=fp, key=key, dictionary=dictionary, limits=limits, progress=stages
            )
            results.append(result)
    if as_json:
        click.echo(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2))
    else:
        for result in results:
            click.echo(_line(result))
            for reason in result.reasons:
                click.echo(f"  - {reason}")
    if any(r.found for r in results):
        ctx.exit(EXIT_FOUND)
    if any(r.verdict == "error" for r in results):
        ctx.exit(EXIT_ERROR)


def _file_stages(report: Progress, name: str) -> Progress:
    """``report`` with the file's name and place among the files before each of its stages."""
    return lambda stage, done, total: report(f"{name}: {stage}", done, total)
