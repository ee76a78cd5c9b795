"""A spec's report files, as `cmc check --out DIR` writes them.

``SPEC.txt`` (the text report), ``SPEC.json`` (a cmc.result/2 document with
this spec's result alone, as ``cmc check --format json SPEC`` prints it),
``SPEC.html`` (the self-contained page), and for each counterexample
``SPEC.PROPERTY.mmd`` (its sequence chart) and, when a graph format is
asked for, ``SPEC.PROPERTY.dot|graphml|json`` (its path as a graph). With
`witnesses`, the runs reaching reachability properties get the same.

A report is written where it is asked for, as a shell redirection would:
a new path or a regular file gets the whole text at once (a temporary file
beside it, renamed over it, with the permissions of a file the user creates
or those it had), a symbolic link its target that way; a device (/dev/null,
/dev/stdout) or a FIFO is written through, never replaced; a FIFO is opened
before the run, as the shell opens it, and held until its report is
written. `check_writable` and `check_folder` find an unwritable destination
before a long run, `check_apart` one that is an input of the run or another
output.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from checker.errors import CheckerError
from reports.graph import new_graph, trace_graph, write_graph
from reports.html import render_html
from reports.json import run_document
from reports.run import Checked
from reports.sequence import build_chart, render_mermaid
from reports.text import conclusion


def write_reports(directory: Path, checked: Checked, text: str, document: dict[str, Any],
                  graph_format: str | None = None, witnesses: bool = False,
                  name: str | None = None) -> list[Path]:
    """Write `checked`'s report files into `directory`, named after `name`
    (default: the spec's file name), and remove the files an earlier run
    wrote for it that this one does not (the chart of a violation since
    fixed); the paths written."""
    name = name or checked.name
    files = {f"{name}.txt": text,
             f"{name}.json": json.dumps(run_document([document]), indent=2) + "\n",
             f"{name}.html": render_html(checked, witnesses=witnesses)}
    findings = [(f, False) for f in checked.result.violations]
    findings += [(f, True) for f in checked.result.witnesses] if witnesses else []
    for finding, witness in findings:
        if finding.trace is None:
            continue
        stem = f"{name}.{finding.property.name}"
        chart = build_chart(checked.model, finding.trace, conclusion(finding, witness),
                            finding.loop_start)
        files[f"{stem}.mmd"] = render_mermaid(chart)
        if graph_format is not None:
            graph = trace_graph(checked.model, finding.trace, checked.result.properties,
                                finding)
            files[f"{stem}.{graph_format}"] = write_graph(graph, graph_format)
    written = []
    for file_name, content in files.items():
        written.append(write_whole(directory / file_name, content))
    for file_name in _per_property(name, checked.model.properties):
        stale = directory / file_name
        if file_name not in files and stale.is_file() and _drawn_here(stale):
            stale.unlink()
    return written


#: The extensions of a spec's reports, and of the files written per property
#: (a chart, a graph).
REPORTS = ("txt", "json", "html")
PER_PROPERTY = ("mmd", "dot", "graphml", "json")


def report_files(name: str, properties: Iterable[str]) -> list[str]:
    """Every file `write_reports` may write or remove for a spec whose
    reports are named `name` and whose model has `properties`."""
    return [f"{name}.{extension}" for extension in REPORTS] + list(
        _per_property(name, properties))


def _per_property(name: str, properties: Iterable[str]) -> Iterator[str]:
    return (f"{name}.{prop}.{extension}" for prop in properties for extension in PER_PROPERTY)


def _drawn_here(path: Path) -> bool:
    """Whether a SPEC.PROPERTY file is certainly one `write_reports` drew:
    SPEC.PROPERTY.json may as well be the report of a spec named
    SPEC.PROPERTY, so it is one only if it is a graph in node-link JSON."""
    if path.suffix != ".json":
        return True
    start = write_graph(new_graph(), "json").split(",")[0].encode()
    with open(path, "rb") as stream:
        return stream.read(len(start)) == start


def write_whole(path: Path | str, content: str) -> Path:
    """Write `content` to `path` all at once, or through a device or FIFO
    (see the module docstring). Missing folders are made; a path that
    cannot be written is a `CheckerError`."""
    path = Path(path)
    try:
        found = _stat(path)
        if found is not None and (not stat.S_ISREG(found.st_mode) or _standard_stream(path)):
            # /dev/stdout may stand for a file the shell redirected to:
            # added to, as the command's own output is, never replaced.
            _write_through(path, content, found, append=_standard_stream(path))
            return path
        # (a link's target, and missing folders made where links lead)
        target = Path(os.path.realpath(path))
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except PermissionError as error:
        if found is None:
            raise _cannot_write(path, error) from None
        # A file one may write in a folder one may not (a CI-provided
        # path): written in place, as `>` would.
        _write_through(path, content, found, append=False)
        return path
    except OSError as error:
        raise _cannot_write(path, error) from None
    renamed = False
    try:
        os.fchmod(handle, stat.S_IMODE(found.st_mode) if found else _new_file_mode())
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(content)
        os.replace(temporary, target)
        renamed = True
    except OSError as error:
        raise _cannot_write(path, error) from None
    finally:
        if not renamed:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
    return path


def append_text(path: Path | str, content: str) -> Path:
    """Add `content` at the end of `path` (made if missing), as CI summary
    files such as $GITHUB_STEP_SUMMARY expect."""
    path = Path(path)
    try:
        found = _stat(path)
        if found is None:
            Path(os.path.realpath(path)).parent.mkdir(parents=True, exist_ok=True)
        _write_through(path, content, found, append=True)
    except OSError as error:
        raise _cannot_write(path, error) from None
    return path


def check_writable(path: Path | str) -> None:
    """Raise `CheckerError` now if a report could not be written to `path`
    later (a folder, a read-only place, a path under a file, a FIFO no
    process reads)."""
    path = Path(path)
    found = _stat(path)
    if found is None:
        _check_creatable(Path(os.path.realpath(path)).parent, path)
    elif stat.S_ISDIR(found.st_mode):
        raise CheckerError(f"cannot write {path}: it is a folder; give a file name")
    elif stat.S_ISFIFO(found.st_mode):
        _hold(path, found)
    else:
        try:  # opened to add to, so nothing in it changes
            os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK))
        except OSError as error:
            raise _cannot_write(path, error) from None


def check_folder(directory: Path | str, files: Iterable[Path | str] = ()) -> None:
    """Raise `CheckerError` now if report files could not be written into
    `directory` (made if missing) later, or a folder stands where one of
    `files` is to go."""
    directory = Path(directory)
    found = _stat(directory)
    if found is not None and not stat.S_ISDIR(found.st_mode):
        raise CheckerError(f"cannot write into {directory}: it is not a folder")
    _check_creatable(Path(os.path.realpath(directory)), directory)
    for file in files:
        found = _stat(Path(file))
        if found is not None and stat.S_ISDIR(found.st_mode):
            raise CheckerError(f"cannot write {file}: a folder stands there; remove it or "
                               "write the reports elsewhere")


def check_apart(outputs: Sequence[tuple[str, Path | str]],
                inputs: Sequence[tuple[str, Path | str]], what: str = "report",
                stdout: str | None = None, appended: bool = False) -> None:
    """Raise `CheckerError` now if an output would overwrite an input of the
    run or another output. Each is (what the user calls it, its path), e.g.
    ("--junit j.xml", "j.xml") or ("the spec m.yaml", "m.yaml"), and is
    compared as a file: links followed, a path not there yet by where it
    will be. Outputs may share a device (/dev/null) or a standard stream
    (/dev/stdout), written through or added to, never replaced. `stdout`:
    what standard output carries that another output there would break
    (JSON: "--format json prints its document"); `appended`: a report
    named as a standard stream (/dev/stdout) is added after it, so only a
    report naming standard output's file otherwise (`> out` and `--junit
    out`, which would replace it) is refused."""
    owners: dict[Any, tuple[str, str]] = {}  # a file: who first named it, and as what
    for label, path in inputs:
        key = _identity(Path(path))
        if key is not None:
            owners.setdefault(key, (label, "input"))
    for label, path in outputs:
        key = _identity(Path(path))
        if key is None:
            continue
        role = "stream" if _standard_stream(Path(path)) else "output"
        if key not in owners:
            owners[key] = (label, role)
            continue
        other, other_role = owners[key]
        if other_role == "input":
            raise CheckerError(f"{label} is {other} itself; write the {what} elsewhere")
        if not other_role == role == "stream":
            raise CheckerError(f"{other} and {label} are the same file; give each its own")
    carried = _standard_output() if stdout else None
    for label, path in outputs if carried is not None else ():
        if appended and _standard_stream(Path(path)):
            continue
        found = _stat_or_none(Path(path))
        if found is not None and os.path.samestat(found, carried):
            raise CheckerError(f"{label} is standard output, where {stdout}; write the "
                               f"{what} elsewhere")


def _identity(path: Path) -> Any:
    """What tells files apart: a file's device and inode, a path not there
    yet the real path it will have; None for a device, which may be shared
    (or what cannot be looked at, which `check_writable` reports)."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return os.path.realpath(path)
    except OSError:
        return None
    if stat.S_ISREG(found.st_mode) or stat.S_ISFIFO(found.st_mode):
        return found.st_dev, found.st_ino
    return None


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _standard_output() -> os.stat_result | None:
    """What standard output is, unless it discards everything (/dev/null)."""
    try:
        carried = os.fstat(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # no descriptor (a test's stream)
        return None
    null = _stat_or_none(Path(os.devnull))
    return None if null is not None and os.path.samestat(carried, null) else carried


#: Seconds `check_writable` waits for a FIFO's reader to open it (a `cat
#: FIFO &` started just before).
READER_WAIT = 5.0
#: The FIFOs opened before the run, by (device, inode), each written once.
_held: dict[tuple[int, int], int] = {}


def _hold(path: Path, found: os.stat_result) -> None:
    """Open a FIFO now, as `>` does before the command runs, and hold it
    until its report is written: its reader (`cat FIFO`) is waiting for
    that, and would see the end at once if it were opened and closed now."""
    if any(_same_file(found, stream) for stream in (sys.stdout, sys.stderr)):
        return  # written through the stream itself
    key = (found.st_dev, found.st_ino)
    if key in _held:  # held for a command that failed before writing (in a test)
        os.close(_held.pop(key))
    deadline = time.monotonic() + READER_WAIT
    while True:
        try:
            _held[key] = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            return
        except OSError as error:
            if error.errno != errno.ENXIO:
                raise _cannot_write(path, error) from None
        if time.monotonic() >= deadline:
            raise CheckerError(f"cannot write {path}: it is a FIFO no process reads; start "
                               "its reader first")
        time.sleep(0.05)


def _check_creatable(folder: Path, asked: Path) -> None:
    """Files can be made in `folder`, or in the folder that will hold it."""
    while not folder.exists():
        if folder.is_symlink() or folder == folder.parent:
            break
        folder = folder.parent
    if not folder.is_dir():
        raise CheckerError(f"cannot write {asked}: {folder} is not a folder")
    # Trying is the only sure test: root passes every permission check, yet
    # cannot write a read-only mount, /proc or /sys.
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".cmc-probe.")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise CheckerError(f"cannot write {asked}: {folder}: {error.strerror or error}") \
            from None


def _standard_stream(path: Path) -> bool:
    """/dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: another name
    for a file this process already has open."""
    return str(path).startswith(("/dev/", "/proc/"))


def _stat(path: Path) -> os.stat_result | None:
    """What `path` names, links followed; None if nothing (yet)."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise CheckerError(f"cannot write {path}: a part of it is a file, not a folder") \
            from None
    except OSError as error:
        raise _cannot_write(path, error) from None


def _write_through(path: Path, content: str, found: os.stat_result | None,
                   append: bool) -> None:
    """Open `path` and write, the way `>` and `>>` do; a FIFO no one reads
    is an error rather than a wait."""
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise CheckerError(f"cannot write {path}: it is a folder; give a file name")
    for stream in (sys.stdout, sys.stderr):
        if found is not None and _same_file(found, stream):
            # Through the stream itself, after what it holds, at its offset.
            stream.write(content)
            stream.flush()
            return
    descriptor = _held.pop((found.st_dev, found.st_ino), None) if found is not None else None
    if descriptor is None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK | (
            os.O_APPEND if append else os.O_TRUNC)
        try:
            descriptor = os.open(path, flags, 0o666)
        except OSError as error:
            if error.errno == errno.ENXIO:
                raise CheckerError(f"cannot write {path}: it is a FIFO no process reads; "
                                   "start its reader first") from None
            raise
    os.set_blocking(descriptor, True)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(content)


def _same_file(found: os.stat_result, stream: Any) -> bool:
    try:
        return os.path.samestat(found, os.fstat(stream.fileno()))
    except (AttributeError, OSError, ValueError):  # no descriptor (a test's stream)
        return False


def _new_file_mode() -> int:
    """The permissions a file the user creates gets: 0666 less the umask."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _cannot_write(path: Path, error: OSError) -> CheckerError:
    return CheckerError(f"cannot write {path}: {error.strerror or error}")
