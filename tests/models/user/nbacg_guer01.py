"""Non-blocking atomic commitment with a failure detector (Guerraoui, "On
the hardness of failure-sensitive agreement problems", IPL 79(2), 2001), a
user's model written with the kit after nbacg_guer01.tla of the TLA+
examples (Tran, Konnov and Widder's parameterized encoding, 2016).

Each process ``p1`` .. ``pN`` votes YES or NO, broadcasts its vote and
decides: it commits once it has received N YES votes and no NO, and aborts
on a NO or when its failure detector suspects a crash. The spec counts
messages instead of holding them, as threshold automata do: how many YES
and NO votes the correct processes sent (``nSntYes``, ``nSntNo``), at most
how many the crashed ones sent (``nSntYesF``, ``nSntNoF``: a process that
crashes before voting may have sent its vote to some), and how many of
each a process has received. So there are no messages here: the four
counters of sent votes belong to no process and are the model's globals
(`Sent`), and each process's record holds its ``pc``, its two receive
counters and its failure detector's output ``someFail`` (chosen at the
start, never changed).

One handler per disjunct of Next, in the spec's words:

- Crash(i): a process that has not crashed crashes (pc BYZ); one that had
  not voted adds to the faulty votes of its value (writes nSntYesF or
  nSntNoF);
- Receive(i), a disjunction of three: ReceiveYes and ReceiveNo (a process
  that sent its vote receives one more of the votes sent, correct and
  faulty) are two handlers; the third, "all messages are received",
  ``UNCHANGED vars``, changes nothing and is not generated (below);
- SendYes(i), SendNo(i): a correct, unsuspecting process sends its vote;
- AbortNoYes(i): a process whose detector suspects a crash aborts before
  voting;
- AbortSent(i): a process that received a NO aborts;
- Commit(i): a process that received N YES and no NO commits.

Where the model differs, deliberately:

- Several initial states. Init chooses every pc in {YES, NO} and every
  someFail in BOOLEAN, 4^N states; the kit builds one initial state from
  the records' defaults, so `initial_states` is overridden to give the
  records of each choice (the globals and the empty network as the kit
  builds them).
- Steps that change nothing: Next's last disjunct, ``UNCHANGED vars``, is
  enabled in every state (and Receive's third where a process has received
  everything). TLA+ counts them as steps, TLC generates them and finds the
  state known: its distinct states and depth are the model's, and no state
  deadlocks. `stutters` says so, so a spec needs no ``deadlock: false``.
- AbortValidityLtl and CommitValidityLtl read the initial state (``(\\E i :
  pc[i] = "NO") => [](...)``), which the state forgets once a vote is sent
  or a process crashes. With ``keep_votes: true`` the globals keep each
  process's initial vote (``votes``, a history variable: nbacg_guer01.tla
  with ``votes = pc`` in Init and UNCHANGED after, which TLC ran with the
  same counts) and the two are invariants over it; without it they are
  refused, the state holds no vote to read.
- TerminationLtl, ``[](no crash and no suspicion) => <>(all decided)``, is
  ``<>(a crash or a suspicion, or all decided)``: ``~[]A \\/ <>B`` is
  ``<>~A \\/ <>B``. Spec's fairness is weak fairness of every action but
  Crash, together: ``"ReceiveYes | ReceiveNo | SendYes | SendNo |
  AbortNoYes | AbortSent | Commit"``.

Processes are interchangeable (the renaming is derived from the fields
typed `Proc`, the kept votes included): TLC agrees with ``Proc`` made a set
of model values under ``SYMMETRY Permutations(Proc)``.
"""

from __future__ import annotations

from itertools import product
from typing import NamedTuple

from checker import Fails, Param, ParamError, eventually, invariant
from models.kit import ActorModel, Node, derived, ids, indexed_by, step

Proc = ids("procs", "p", first=1, named=True)    # Proc == 1 .. N

STATUS = ("YES", "NO", "SENT", "ABORT", "COMMIT", "BYZ")


class ProcState(NamedTuple):
    """pc[i], nRcvdYes[i], nRcvdNo[i] and someFail[i]."""

    pc: str = "YES"
    n_rcvd_yes: int = 0
    n_rcvd_no: int = 0
    some_fail: bool = False


class Sent(NamedTuple):
    """The votes sent: by correct processes, and at most by faulty ones;
    and, with ``keep_votes``, each process's initial vote (a history)."""

    n_snt_no: int = 0
    n_snt_yes: int = 0
    n_snt_no_f: int = 0
    n_snt_yes_f: int = 0
    votes: indexed_by(Proc, str) = ()


class Crash(NamedTuple):
    i: Proc


class ReceiveYes(NamedTuple):
    i: Proc


class ReceiveNo(NamedTuple):
    i: Proc


class SendYes(NamedTuple):
    i: Proc


class SendNo(NamedTuple):
    i: Proc


class AbortNoYes(NamedTuple):
    i: Proc


class AbortSent(NamedTuple):
    i: Proc


class Commit(NamedTuple):
    i: Proc


class Process(Node):
    ids = Proc
    state = ProcState

    @step(Crash, reads_globals=("n_snt_yes_f", "n_snt_no_f"),
          writes_globals=("n_snt_yes_f", "n_snt_no_f"))
    def crash(self, s, n_snt_yes_f, n_snt_no_f):
        """Some process crashes; one that has not sent its vote may have
        sent it to some: the upper bound of that value's faulty votes grows."""
        if s.pc == "BYZ":
            return None
        writes = {}
        if s.pc == "YES":
            writes["n_snt_yes_f"] = n_snt_yes_f + 1
        if s.pc == "NO":
            writes["n_snt_no_f"] = n_snt_no_f + 1
        return s._replace(pc="BYZ"), [], writes

    @step(ReceiveYes, reads_globals="yes_sent")
    def receive_yes(self, s, yes_sent):
        """A process that sent its vote receives a YES (while fewer were
        received than sent)."""
        if s.pc == "SENT" and s.n_rcvd_yes < yes_sent:
            return s._replace(n_rcvd_yes=s.n_rcvd_yes + 1), []
        return None

    @step(ReceiveNo, reads_globals="no_sent")
    def receive_no(self, s, no_sent):
        """A process that sent its vote receives a NO."""
        if s.pc == "SENT" and s.n_rcvd_no < no_sent:
            return s._replace(n_rcvd_no=s.n_rcvd_no + 1), []
        return None

    @step(SendYes, reads_globals="n_snt_yes", writes_globals="n_snt_yes")
    def send_yes(self, s, n_snt_yes):
        """A correct process sends YES to all."""
        if s.pc == "YES" and not s.some_fail:
            return s._replace(pc="SENT"), [], {"n_snt_yes": n_snt_yes + 1}
        return None

    @step(SendNo, reads_globals="n_snt_no", writes_globals="n_snt_no")
    def send_no(self, s, n_snt_no):
        """A correct process sends NO to all."""
        if s.pc == "NO" and not s.some_fail:
            return s._replace(pc="SENT"), [], {"n_snt_no": n_snt_no + 1}
        return None

    @step(AbortNoYes)
    def abort_no_yes(self, s):
        """A suspicious process aborts (before voting)."""
        if s.some_fail and s.pc in ("YES", "NO"):
            return s._replace(pc="ABORT"), []
        return None

    @step(AbortSent)
    def abort_sent(self, s):
        """A correct process aborts after it received a NO."""
        if s.pc == "SENT" and s.n_rcvd_no > 0:
            return s._replace(pc="ABORT"), []
        return None

    @step(Commit)
    def commit(self, s):
        """A correct process commits: it knows that all processes voted YES."""
        if s.pc == "SENT" and s.n_rcvd_no == 0 and s.n_rcvd_yes >= self.model.procs:
            return s._replace(pc="COMMIT"), []
        return None


class Nbacg(ActorModel):
    name = "nbacg-guer01"
    summary = "non-blocking atomic commitment with failure detectors (nbacg_guer01.tla)"
    params = (Param("procs", 3, "processes (the spec's N)", minimum=1, maximum=6),
              Param("keep_votes", False, "keep each process's initial vote in the globals "
                    "(a history variable) for AbortValidity and CommitValidity"))
    roles = (Process,)
    globals = Sent
    symmetry_sets = ("procs",)

    @derived
    def yes_sent(self, sent: Sent) -> int:
        return sent.n_snt_yes + sent.n_snt_yes_f

    @derived
    def no_sent(self, sent: Sent) -> int:
        return sent.n_snt_no + sent.n_snt_no_f

    def initial_states(self):
        """Init: pc \\in [Proc -> {"NO", "YES"}], someFail \\in [Proc -> BOOLEAN]."""
        start = super().initial_states()[0]
        rest = start[self.procs:]
        states = []
        for votes in product(("NO", "YES"), repeat=self.procs):
            kept = rest[0]._replace(votes=votes) if self.keep_votes else rest[0]
            for fails in product((False, True), repeat=self.procs):
                records = tuple(ProcState(pc=v, some_fail=f) for v, f in zip(votes, fails))
                states.append(records + (kept,) + rest[1:])
        return states

    def stutters(self, state) -> bool:
        """Next's ``UNCHANGED vars``: a step in every state."""
        return True

    def processes(self, state) -> tuple[ProcState, ...]:
        return self.records(state, Process)

    @invariant("TypeOK")
    def type_ok(self, state):
        sent = self.globals_of(state)
        n = self.procs
        if not all(0 <= c <= n for c in sent[:4]):
            return Fails(f"a count of votes sent is outside 0..{n}: {sent[:4]}")
        for i, p in enumerate(self.processes(state)):
            if not 0 <= p.n_rcvd_yes <= self.yes_sent(sent):
                return Fails(f"{Proc.name_of(i)} received {p.n_rcvd_yes} YES of "
                             f"{self.yes_sent(sent)} sent")
            if not 0 <= p.n_rcvd_no <= self.no_sent(sent):
                return Fails(f"{Proc.name_of(i)} received {p.n_rcvd_no} NO of "
                             f"{self.no_sent(sent)} sent")
            if p.pc not in STATUS:
                return Fails(f"{Proc.name_of(i)} has pc {p.pc}")
        return True

    @invariant("Agreement")
    def agreement(self, state):
        """AgrrLtl: no two processes decide differently."""
        pcs = [p.pc for p in self.processes(state)]
        if "COMMIT" in pcs and "ABORT" in pcs:
            return Fails(f"{Proc.name_of(pcs.index('COMMIT'))} committed and "
                         f"{Proc.name_of(pcs.index('ABORT'))} aborted")
        return True

    def initial_votes(self, state) -> tuple[str, ...]:
        votes = self.globals_of(state).votes
        if not votes:
            raise ParamError("params.keep_votes", "AbortValidity and CommitValidity read "
                             "the initial votes, which only keep_votes: true keeps; set it")
        return votes

    @invariant("AbortValidity", default=False)
    def abort_validity(self, state):
        """AbortValidityLtl: if some process votes NO, no process commits."""
        votes = self.initial_votes(state)
        pcs = [p.pc for p in self.processes(state)]
        if "NO" in votes and "COMMIT" in pcs:
            return Fails(f"{Proc.name_of(votes.index('NO'))} voted NO and "
                         f"{Proc.name_of(pcs.index('COMMIT'))} committed")
        return True

    @invariant("CommitValidity", default=False)
    def commit_validity(self, state):
        """CommitValidityLtl: if every process votes YES and none is
        suspected, no process aborts (a crashed one is BYZ)."""
        votes = self.initial_votes(state)
        processes = self.processes(state)
        if all(v == "YES" for v in votes) and not any(p.some_fail for p in processes):
            for i, p in enumerate(processes):
                if p.pc == "ABORT":
                    return Fails(f"every process voted YES, none suspected, and "
                                 f"{Proc.name_of(i)} aborted")
        return True

    @eventually("Termination")
    def termination(self, state):
        """TerminationLtl: if no process ever crashes or is suspected, every
        process eventually decides; ``<>(a crash or a suspicion, or all
        decided)``."""
        processes = self.processes(state)
        return (any(p.pc == "BYZ" or p.some_fail for p in processes)
                or all(p.pc in ("COMMIT", "ABORT") for p in processes))


# -- mutants: one handler each -------------------------------------------------------


@Nbacg.mutant("commit_on_fewer_yes", "a process commits on N-1 YES votes, as if its own "
                                     "counted twice → Agreement, AbortValidity")
class CommitOnFewerYes(Process):
    @step(Commit)
    def commit(self, s):
        if s.pc == "SENT" and s.n_rcvd_no == 0 and s.n_rcvd_yes >= self.model.procs - 1:
            return s._replace(pc="COMMIT"), []
        return None


@Nbacg.mutant("receive_unsent_yes", "a process receives a YES when it has received every "
                                    "one sent → TypeOK")
class ReceiveUnsentYes(Process):
    @step(ReceiveYes, reads_globals="yes_sent")
    def receive_yes(self, s, yes_sent):
        if s.pc == "SENT" and s.n_rcvd_yes <= yes_sent:
            return s._replace(n_rcvd_yes=s.n_rcvd_yes + 1), []
        return None


@Nbacg.mutant("abort_without_no", "a process that sent its vote aborts without having "
                                  "received a NO (a timeout with no failure) → CommitValidity")
class AbortWithoutNo(Process):
    @step(AbortSent)
    def abort_sent(self, s):
        if s.pc == "SENT":
            return s._replace(pc="ABORT"), []
        return None


@Nbacg.mutant("commit_on_more_yes", "a process waits for N+1 YES votes, one more than there "
                                    "are processes → Termination")
class CommitOnMoreYes(Process):
    @step(Commit)
    def commit(self, s):
        if s.pc == "SENT" and s.n_rcvd_no == 0 and s.n_rcvd_yes >= self.model.procs + 1:
            return s._replace(pc="COMMIT"), []
        return None
