"""The partitioned search with Ray actors as the partition owners.

The algorithm is `partitioned`'s, unchanged: partition p owns the
fingerprints that are p modulo the number of partitions, a level goes in
the same steps (expand, admit, hold, settle), and the main process merges
the keys of the new states, numbers them and keeps the back-pointers. So
the result is the one-process result, whatever the number of actors. What
changes is where the partitions run and how the exchange travels:

- Every partition is a Ray actor (`_Owner`), on whatever node of the
  cluster Ray places it; the main process (the *driver*) owns none and only
  coordinates. Each actor builds the model itself from a picklable recipe
  (a spec's `build`), receives the visited set of the levels searched before
  the partitions started, and runs a `partition.Part`.
- A `Part` writes what it sends (fingerprints and keys, which candidates
  won, states given away) into files of its work directory and reads what
  was sent to it from there. Here the work directory is the actor's own (in
  /dev/shm on its node, where there is one): after a step that writes
  (`partition_exchange.WRITES`) the actor puts each outbox into Ray's object store
  and removes the file; before a step that reads (`partition_exchange.READS`) the
  receiving actor fetches its inboxes from the senders' nodes and writes
  them where `Part` reads them. The exchange goes from actor to actor; the
  driver passes only references.

`RayPartitions` is `partitioned.Partitions` with this transport: the
level's logic (`Partitions.level`) is the same code. A failed actor (the
model raised in it, it died) makes the run start again in one process, as
a failed forked process does.

Ray is an optional dependency (``pip install -e '.[ray]'``): nothing here
imports it before `connect`.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import shutil
import socket
import sys
import time
import types
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from checker import frontier, partitioned, successors, workers
from checker.partition import Part, shares
from checker.partition_exchange import READS, WRITES
from checker.errors import CheckerError
from checker.partition_exchange import Failed

#: Object store of a Ray started here (`--ray auto`): each level's
#: exchange passes through it; Ray spills to disk past it.
LOCAL_OBJECT_STORE = 512 * 2**20
#: Seconds to wait for a cluster's head to accept a connection.
CONNECT_TIMEOUT = 5.0
#: The prefix of the module names `models.user` gives users' model files.
USER_MODULES = "cmc_user_models."
INSTALL = "pip install -e '.[ray]'"


@dataclass
class Cluster:
    """A Ray connection: `cpus` the cluster's CPUs (each actor takes one:
    more actors would wait for a CPU forever); `started` when this process
    started the Ray instance (and shuts it down)."""

    ray: Any
    cpus: int
    started: bool

    def close(self) -> None:
        if self.started:
            self.ray.shutdown()


def connect(address: str) -> Cluster:
    """Ray, started here (`address` "auto") or joined at HOST:PORT, the
    address of a cluster's head (`ray start --head` prints it); the one this
    process is connected to already, if it is (a library's caller, tests)."""
    try:
        import ray
    except ImportError:
        raise CheckerError(f"--ray needs Ray, which is not installed; install it with "
                           f"{INSTALL}") from None
    if address != "auto":
        _check_reachable(address)
    started = False
    if not ray.is_initialized():
        quiet = dict(include_dashboard=False, log_to_driver=False,
                     logging_level=logging.ERROR)
        if address == "auto":
            ray.init(address="local", num_cpus=workers.usable_cpus(),
                     object_store_memory=LOCAL_OBJECT_STORE, **quiet)
        else:
            try:
                ray.init(address=address, **quiet)
            except (ConnectionError, ValueError, RuntimeError) as error:
                raise CheckerError(
                    f"--ray {address}: cannot join that Ray cluster ({_first_line(error)}); "
                    "a cluster with token authentication (`ray start`'s default) needs "
                    "RAY_AUTH_MODE=token here and its token (`ray get-auth-token` on the "
                    "head) in ~/.ray/auth_token") from None
        started = True
    cpus = int(ray.cluster_resources().get("CPU", 0))
    return Cluster(ray, max(cpus, 1), started)


_ADDRESS_HINT = ("give the head node's address as HOST:PORT (`ray start --head` prints it), "
                 "or auto to start Ray here")


def _check_reachable(address: str) -> None:
    """Refuse an address where no cluster's head answers, at once: Ray
    itself would retry for minutes."""
    host, _, port = address.rpartition(":")
    if not host or not (port.isascii() and port.isdigit()):  # ('²' is a digit, no int)
        raise CheckerError(f"--ray {address!r} is not HOST:PORT; {_ADDRESS_HINT}")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise CheckerError(f"--ray {address}: no Ray cluster answers there ({reason}); "
                           f"{_ADDRESS_HINT}") from None


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


class Owners:
    """What starts a search's partitions as Ray actors: pass it to
    `checker.check(..., owners=)`. `build` makes the model (a spec's
    `build`); it is pickled, so that each actor makes its own."""

    def __init__(self, build: Callable[[], Any], cluster: Cluster):
        self.build, self.cluster = build, cluster

    def __call__(self, search: Any, level: frontier.Frontier, first: int,
                 count: int) -> "RayPartitions":
        return RayPartitions(search, level, first, count, self)


def _user_modules(model: Any) -> list[tuple[str, str, str]]:
    """(name, path, source) of the user's model file among the modules of
    the model's classes: an actor cannot import it by name (it is imported
    from a path), so its source travels with the recipe."""
    shipped = []
    for kind in type(model).__mro__:
        module = sys.modules.get(kind.__module__)
        if module is None or not kind.__module__.startswith(USER_MODULES):
            continue
        path = getattr(module, "__file__", None)
        try:
            with open(path, encoding="utf-8") as file:
                source = file.read()
        except (OSError, TypeError) as error:
            raise CheckerError(f"--ray: the model file {path} cannot be read to send it to "
                               f"the actors ({error}); run without --ray") from None
        if (kind.__module__, path, source) not in shipped:
            shipped.append((kind.__module__, path, source))
    return shipped


class RayPartitions(partitioned.Partitions):
    """`partitioned.Partitions` whose partitions are all Ray actors: the
    transport (`_send`, `_send_each`, `_replies`, `part`) is replaced, the
    level's logic is inherited."""

    def __init__(self, search: Any, level: frontier.Frontier, first: int, count: int,
                 owners: Owners):
        ray = self.ray = owners.cluster.ray
        self._start(search, len(level), first, count)  # (no forked processes)
        self.cpu_seconds: dict[int, float] = {}  # each actor's, so far (for benchmarks)
        self.futures: list[Any] = [None] * count
        self.settling: list[Any] = []
        self.outgoing: list[dict[int, Any]] = [{} for _ in range(count)]
        options: dict[str, Any] = dict(num_cpus=1, scheduling_strategy="SPREAD",
                                       max_restarts=0)
        if search.config.exact:
            # exact states are owned by `hash`, which must agree between actors
            options["runtime_env"] = {"env_vars": {"PYTHONHASHSEED": "0"}}
        recipe = (_user_modules(search.model), pickle.dumps(owners.build),
                  search.config, (successors.CHUNK, frontier.WHOLE))
        try:
            # the level as it is held (its chunks mostly pickled already)
            start = ray.put(pickle.dumps((search.store, search.outside,
                                          list(level.raw()), first),
                                         protocol=pickle.HIGHEST_PROTOCOL))
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            raise Failed(f"a state cannot be sent: {error}", died=False) from None
        owner = ray.remote(_Owner).options(**options)
        self.actors = [owner.remote(recipe, index, count) for index in range(count)]
        self.futures = [actor.start.remote(start) for actor in self.actors]
        self.kinds = ["start"] * count  # of each actor's request awaited
        self.directories: list[tuple[str, str]] = []  # each actor's (node, directory)
        try:
            self.directories = [self._reply(index, None) for index in range(count)]
        except Failed:
            self.close()  # the engine holds no partitions to close yet
            raise
        self.part = _FirstActor(self)

    # -- the transport --------------------------------------------------------

    def _submit(self, index: int, message: tuple) -> None:
        kind = message[0]
        if kind == "expand":
            # an actor's clock is its node's: it gets the seconds left
            level_first, shown, deadline, probe_only = message[1:]
            message = (kind, level_first, shown,
                       None if deadline is None else deadline - time.monotonic(), probe_only)
            inbox = None
        if kind in READS:
            inbox = {source: sent.get(index) for source, sent in enumerate(self.outgoing)
                     if source != index}
        else:
            inbox = None
        future = self.actors[index].serve.remote(message, inbox)
        if kind == "take" or (kind == "settle" and not message[-1]):  # no reply awaited
            self.settling.append(future)
        else:
            self.futures[index], self.kinds[index] = future, kind

    def _send(self, message: tuple) -> None:
        if self.settling:  # the last level's settling went through
            settling, self.settling = self.settling, []
            self._get(settling)
        for index in range(self.count):
            self._submit(index, message)

    def _send_each(self, messages: list[tuple]) -> None:
        for index, message in enumerate(messages, start=1):
            self._submit(index, message)

    def _replies(self, deadline: float | None) -> list[tuple]:
        return [self._reply(index, deadline) for index in range(1, self.count)]

    def _reply(self, index: int, deadline: float | None) -> Any:
        """Actor `index`'s reply to its last request (an overdue expansion
        when it does not come by the deadline, and a second more: an
        admission is awaited, as `Partitions.level` expects its replies)."""
        future = self.futures[index]
        timeout = (None if deadline is None or self.kinds[index] != "expand"
                   else max(0.0, deadline - time.monotonic()) + 1)
        ready, _ = self.ray.wait([future], timeout=timeout)
        if not ready:
            self.search.stopped_by = "time_limit"
            return (None, None, None, True)
        reply, canonical_seconds, memory, store_bytes, outgoing, cpu = self._get([future])[0]
        self.outgoing[index] = outgoing
        self.cpu_seconds[index] = cpu
        self._account(index, canonical_seconds, memory, store_bytes)
        self.search.partition_store_bytes = sum(self.store_bytes.values())
        return reply

    def snapshot(self) -> tuple[Any, Any, Any, Any]:
        """As `Partitions.snapshot`: each actor's part comes back as its
        reply (its level in pickled chunks)."""
        self._send(("snapshot",))
        return partitioned.gathered(self.search, [self._reply(index, None)
                                                  for index in range(self.count)], own=False)

    def _get(self, futures: list[Any]) -> list[Any]:
        exceptions = self.ray.exceptions
        try:
            return self.ray.get(futures)
        except exceptions.RayTaskError as error:  # raised in the actor's code
            cause = error.cause if error.cause is not None else error
            raise Failed(f"{type(cause).__name__}: {_first_line(cause)}", died=False) from None
        except exceptions.RayError as error:  # the actor or its node is gone
            raise Failed(f"a partition actor died ({_first_line(error)})", died=True) from None

    def close(self) -> None:
        """Let each actor remove its work directory, briefly (a busy or dead
        one cannot: those on this node are removed here), then end them all."""
        ray = self.ray
        farewells = [actor.close.remote() for actor in self.actors]
        ray.wait(farewells, num_returns=len(farewells), timeout=2.0)
        for actor in self.actors:
            ray.kill(actor)
        self.actors = []
        here = ray.get_runtime_context().get_node_id()
        for node, directory in self.directories:
            if node == here:
                shutil.rmtree(directory, ignore_errors=True)


class _FirstActor:
    """Partition 0, which `Partitions.level` calls directly (it is the main
    process's own in the forked search): here the first actor."""

    def __init__(self, partitions: RayPartitions):
        self.partitions = partitions

    def expand(self, level_first: int, shown: set[str], deadline: float | None,
               probe_only: bool) -> tuple:
        return self.partitions._reply(0, deadline)

    def admit(self, probe_only: bool) -> None:
        self.partitions._reply(0, None)

    def hold(self, probe_only: bool) -> tuple:
        return self.partitions._reply(0, None)

    def spill(self) -> None:
        self.partitions._reply(0, None)

    def settle(self, numbers: np.ndarray, transfers: list[tuple[int, int, int]]) -> None:
        self.partitions._submit(0, ("settle", numbers, transfers))
        if transfers:  # awaited as the others' are: what it gives must be sent
            self.partitions._reply(0, None)

    def take(self) -> None:
        pass  # sent to every actor by `_send`


class _Owner:
    """A Ray actor that owns one partition: its model, its search (for the
    model's steps and properties, and the visited set of its partition) and
    its `partition.Part`."""

    def __init__(self, recipe: tuple, index: int, count: int):
        from checker import explore
        from checker.progress import Silent

        # As in the engine's process (and forked partitions, which inherit
        # it): the cyclic collector would rescan every state held, over and
        # over, and states make no reference cycles.
        gc.disable()
        modules, build, config, (chunk, whole) = recipe
        for name, path, source in modules:
            _load_module(name, path, source)
        # The chunks must be the driver's: counts are cut per chunk.
        successors.CHUNK, frontier.WHOLE = chunk, whole
        self.search = explore.Search(pickle.loads(build)(), config, Silent())
        if self.search.soundness is not None:  # the driver sampled the first states
            self.search.soundness.states_left = self.search.soundness.steps_left = 0
        self.index, self.count = index, count
        self.directory = frontier.work_folder(
            "ray", "/dev/shm" if os.path.isdir("/dev/shm") else None)
        self.part: Part | None = None

    def start(self, shared: bytes) -> tuple:
        """Take the visited set so far and this partition's share of the
        level where the partitions start; reply with where this actor's work
        directory is: (node, path)."""
        search = self.search
        search.store, search.outside, chunks, first = pickle.loads(shared)
        self.part = Part(search, self.index, self.count, self.directory,
                         *shares(search, map(frontier.unpack, chunks), first, self.count,
                                 [self.index])[self.index])
        import ray

        return self._done((ray.get_runtime_context().get_node_id(), self.directory), {})

    def serve(self, request: tuple, inbox: dict[int, Any] | None) -> tuple | None:
        """Carry out the driver's request as a forked partition does
        (`partition.serve`), moving the files of the exchange."""
        import ray

        part, search = self.part, self.search
        search.canonical_seconds = 0.0
        kind = request[0]
        if kind in READS:
            sources = sorted(inbox)
            fetched = ray.get([inbox[source] for source in sources
                               if inbox[source] is not None])
            fetched.reverse()
            for source in sources:
                with open(part._path(READS[kind], source, self.index), "wb") as file:
                    if inbox[source] is not None:
                        file.write(fetched.pop())
        if kind == "expand":
            level_first, shown, seconds_left, probe_only = request[1:]
            deadline = None if seconds_left is None else time.monotonic() + seconds_left
            request = (kind, level_first, shown, deadline, probe_only)
        answered, reply = part.carry_out(request)
        if not answered:
            return None
        outgoing = {}
        if kind in WRITES:
            stage = WRITES[kind]
            for target in range(self.count):
                if target != self.index:
                    outgoing[target] = _take(part._path(stage, self.index, target), ray)
        return self._done(reply, outgoing)

    def _done(self, reply: Any, outgoing: dict[int, Any]) -> tuple:
        search = self.search
        return (reply, search.canonical_seconds, workers.private_memory(),
                search.store.nbytes, outgoing, time.process_time())

    def close(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
        self.search.directory.close()  # the levels that spilled on this node


def _take(path: str, ray: Any) -> Any:
    """The file at `path` put into the object store (None when empty, or
    missing: an overdue expand stops before writing), and removed."""
    try:
        with open(path, "rb") as file:
            data = file.read()
        os.unlink(path)
    except FileNotFoundError:
        return None
    return ray.put(data) if data else None


def _load_module(name: str, path: str, source: str) -> None:
    """The user's model file, as `models.user` imports it in the driver:
    a module of its own under the same name, registered before it runs."""
    if name in sys.modules:
        return
    package = name.rpartition(".")[0]
    if package and package not in sys.modules:  # so that pickle finds the classes
        sys.modules[package] = types.ModuleType(package)
        sys.modules[package].__path__ = []
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    exec(compile(source, path, "exec"), module.__dict__)
