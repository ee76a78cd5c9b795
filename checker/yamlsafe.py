"""Reading a spec file's YAML within limits, so that no file, however made,
hangs the loader, fills memory or ends in a traceback.

- The file is read up to `MAX_BYTES`; a device, a pipe or a FIFO is read
  only while data comes (`READ_SECONDS`), so ``/dev/zero`` or a FIFO
  nobody writes to is an error, not a hang.
- The text must be UTF-8 (UTF-16 or UTF-32 with a byte order mark is
  decoded too); NUL bytes mean another encoding and are named as such.
- Composition counts nodes with every alias expanded where it is used, and
  stops at `MAX_NODES`: PyYAML shares an alias's node, but the spec loader
  and jsonschema walk the tree, so nested anchors ("billion laughs": 2 KB
  of text, 43 million nodes) would take hours. An alias inside the node it
  names (``&l [*l]``) is an error, and so is nesting past `MAX_DEPTH`.

Every failure is a `SpecError` naming the file (and the line, when known).
"""

from __future__ import annotations

import codecs
import os
import re
import select
import stat
import time
from typing import Any

import yaml

from checker.errors import SpecError

#: The bundled specs are under 2 KB; a spec a person writes stays far below.
MAX_BYTES = 1 << 20
#: Nodes with aliases expanded: the bundled specs hold under 200; pure-Python
#: composition runs at roughly 30,000 nodes a second on a slow core.
MAX_NODES = 10_000
#: Levels of nesting: a spec needs 5 or so; Python's recursion needs ~3 per level.
MAX_DEPTH = 50
#: How long a pipe or device may take to deliver a spec.
READ_SECONDS = 5.0

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def read_text(path: str) -> str:
    """The text of the spec file at `path`, read within the limits above."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise SpecError("is a folder; give the path of a spec file (.yaml)", path=path)
        if stat.S_ISREG(info.st_mode):
            if info.st_size > MAX_BYTES:
                raise _too_large(path)
            with open(path, "rb") as stream:
                data = stream.read(MAX_BYTES + 1)
        else:
            data = read_stream(path)
    except FileNotFoundError:
        raise SpecError("no such file; give the path of a spec (.yaml)", path=path) from None
    except OSError as error:
        raise SpecError(f"cannot be read ({error.strerror or error})", path=path) from None
    if len(data) > MAX_BYTES:
        raise _too_large(path)
    return _decode(data, path)


def read_stream(path: str) -> bytes:
    """Read a FIFO, pipe or device: opened without waiting for a writer
    (a FIFO with none reads as empty), and read only while data comes."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        deadline = time.monotonic() + READ_SECONDS
        chunks, size = [], 0
        while size <= MAX_BYTES:
            try:
                chunk = os.read(descriptor, 1 << 16)
            except BlockingIOError:  # a writer, but nothing written yet
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([descriptor], [], [], left)[0]:
                    raise SpecError(f"nothing came within {READ_SECONDS:g} s from this pipe "
                                    "or device; give a spec file", path=path) from None
                continue
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _too_large(path: str) -> SpecError:
    return SpecError(f"is larger than {MAX_BYTES / 2**20:g} MiB, too large for a spec; "
                     "give a spec file", path=path)


def _decode(data: bytes, path: str) -> str:
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    if encoding == "utf-8" and b"\x00" in data:
        raise SpecError("holds NUL bytes: it is not UTF-8 (UTF-16 without a byte order "
                        "mark?); save the spec as UTF-8", path=path)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise SpecError(f"is not {encoding.upper().replace('-SIG', '')} text (byte "
                        f"{error.start}: {error.reason}); save the spec as UTF-8",
                        path=path) from None


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, counting nodes (aliases expanded) and depth as
    it composes; see the module docstring."""

    def __init__(self, stream: str, path: str):
        super().__init__(stream)
        self.path = path
        self.expanded = 0
        self.depth = 0
        self.sizes: dict[str, int] = {}  # anchor → nodes it expands to

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self.anchors and event.anchor not in self.sizes:
                raise self._error(f"the alias *{event.anchor} stands inside the node "
                                  f"&{event.anchor} it names, which would make it infinite; "
                                  "write the value out", event)
            self._count(self.sizes.get(event.anchor, 1), event)
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self._error(f"nested more than {MAX_DEPTH} levels deep; a spec needs a few",
                              event)
        before = self.expanded
        self._count(1, event)
        node = super().compose_node(parent, index)
        self.depth -= 1
        if getattr(event, "anchor", None) is not None:
            self.sizes[event.anchor] = self.expanded - before
        return node

    def _count(self, nodes: int, event: Any) -> None:
        self.expanded += nodes
        if self.expanded > MAX_NODES:
            raise self._error(f"holds more than {MAX_NODES:,} values once its aliases (*name) "
                              "are expanded; a spec needs far fewer (write values out rather "
                              "than nesting aliases)", event)

    def _error(self, message: str, event: Any) -> SpecError:
        return SpecError(message, path=self.path, line=event.start_mark.line + 1)

    # YAML 1.1, which PyYAML reads, turns some numbers a person writes into
    # others: 010 is 8 (octal), 1:30 is 90 (base 60), 1_000 is 1000. A spec
    # says what it means instead: such a number is refused.
    def construct_yaml_int(self, node: Any) -> int:
        text = str(node.value)
        digits = text.lstrip("+-")
        if (":" in text or "_" in text or (len(digits) > 1 and digits[0] == "0"
                                            and digits[1:2].isdigit())):
            raise SpecError(f"{text} is a YAML 1.1 number (an octal with a leading 0, base 60 "
                            "with ':', or '_' between digits), read as "
                            f"{super().construct_yaml_int(node)}; write the number plainly, "
                            "in decimal", path=self.path, line=node.start_mark.line + 1)
        return super().construct_yaml_int(node)


BoundedLoader.add_constructor("tag:yaml.org,2002:int", BoundedLoader.construct_yaml_int)
# 1e308 is a float in YAML 1.2 and in Python; YAML 1.1 wants 1.0e+308
BoundedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9]+[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


def yaml_problem(error: yaml.YAMLError, text: str) -> tuple[str, int | None]:
    """A YAML error as one line, and its 1-based line when known."""
    if isinstance(error, yaml.reader.ReaderError):
        character = error.character
        code = character if isinstance(character, int) else ord(character[:1] or "\0")
        return (f"the control character U+{code:04X} is not allowed in YAML; remove it",
                text.count("\n", 0, error.position) + 1)
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and context.endswith("occurrence") and context_mark is not None:
        # "found duplicate anchor 'a'; first occurrence" / "second occurrence"
        problem = f"{context} on line {context_mark.line + 1}, {problem} here"
    return " ".join(problem.split()), (mark.line + 1 if mark else None)
