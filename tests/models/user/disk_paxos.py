"""Disk Paxos (Gafni and Lamport, "Disk Paxos", Distributed Computing 16,
2003) as the paper's TLA+ states it, transcribed in tlaplus/Examples
(specifications/diskpaxos at 32a32c7 of 2026-05-14, the files last changed
in 0e018bc): DiskSynod.tla's algorithm with HDiskSynod.tla's history
variables and invariants, bounds as MC_HDiskSynod.tla and its cfg give
them. A user's plain `checker.Model`: the spec has no messages, only
processes reading and writing blocks on disks, so the kit's nodes and
networks do not fit it; symmetry is derived from the state's types by the
kit's `Symmetric`.

The algorithm: each process p owns one block on every disk, ``disk[d][p]``
= [mbal, bal, inp] (its current ballot, the ballot of its last phase-2
value and that value). A process in phase 1 or 2 writes its ``dblock`` to
disks and reads every other process's block from disks it has written;
once, on a majority of disks, it has read every other process's block, it
ends the phase: phase 1 adopts the value of the highest-``bal`` block seen
(its own input if none holds one), phase 2 outputs its value. A block read
with a higher ``mbal`` than its own aborts its ballot (a new, higher one
begins). A process may fail at any time, losing its memory but not the
disks, and come back with a new input: phase 0 reads its own blocks back
from a majority of disks and starts a ballot above every ``mbal`` it saw.

Variables, as the spec names them: ``input``, ``output`` (per process),
``disk`` (per disk, per process: a `Block`), ``phase``, ``dblock``,
``disksWritten`` (a set of disks per process), ``blocksRead`` (per process,
per disk: a set of `BlockRead` [block, proc]), and HDiskSynod's history
variables ``allInput`` (every input any process has had) and ``chosen``
(the first value output).

Actions, in the order of Next, which is TLC's enumeration order (``\\E p``
outermost, then ``\\E d``, then ``\\E q``), so that a shortest
counterexample is TLC's very run:

- StartBallot(p, b): p in phase 1 or 2 starts ballot b of its own, above
  its ``mbal``, in phase 1 (InitializePhase: no disks written, nothing
  read).
- Phase0Read(p, d): p in phase 0 reads its own block from disk d.
- Phase1or2Write(p, d): p in phase 1 or 2 writes its ``dblock`` to d.
- Phase1or2Read(p, d, q): p reads q's block from a disk d it has written,
  if that block's ``mbal`` is below p's; otherwise the spec's ELSE branch
  is StartBallot(p), which the model names AbortBallot(p, d, q, b) (the
  paper's "abort": the same step as StartBallot(p, b)).
- EndPhase1or2(p): on a majority of written disks every other process's
  block has been read; phase 1 sets ``bal`` to ``mbal`` and ``inp`` to the
  value of the highest-``bal`` block read (or its own input), phase 2
  outputs ``inp``; then the next phase.
- Fail(p, ip): p restarts in phase 0 with input ip, ``dblock`` and output
  cleared; the disks keep its blocks.
- EndPhase0(p, b): p in phase 0 has read its own block from a majority of
  disks; it takes the highest-``bal`` block read, with ``mbal`` set to a
  ballot b of its own above every ``mbal`` read, and enters phase 1.

HNext adds to every step: ``chosen`` becomes the output of the first
process (by number) that has one, if nothing was chosen before, and
``allInput`` gains the new inputs.

Constants: ``N`` (processes 1..N, not interchangeable: each owns its
ballots), ``inputs`` (Inputs = {in1, ...}), ``BallotCountPerProcess``
(MC_HDiskSynod's Ballot(p) == p * BallotCountPerProcess ..
p * BallotCountPerProcess + BallotCountPerProcess - 1) and ``disks`` (Disk
= {1, ...}). The cfg's N = 3, two inputs, two ballots each and two disks
are the defaults. Inputs and disks are interchangeable: TLC's ``SYMMETRY
Permutations(Inputs) \\cup Permutations(Disk)`` (not in the cfg, which has
no symmetry; the disks must then be model values) is ``symmetry: true``.

Properties: the cfg's invariants HInv2, HInv3, HInv4 and HInv6 (HInv6: the
value chosen is chosen by a majority of disks and every output is it,
which is SynodSpec's agreement), each split into its conjuncts so that a
violation says which failed. HInv5, which the cfg leaves out and which
holds (TLC agrees), is ``hinv5``, checked when named. HInv1 is the type
invariant, which Python's types say. The module's THEOREM DiskSynodSpec =>
SynodSpec, with HDiskSynod's ``chosen`` and ``allInput`` as the witnesses
of Synod's hidden variables, is the step property ``refines_synod`` (every
step is an IChoose(p) or IFail(p) of Synod's Inner module, or leaves
input, output, chosen and allInput unchanged), checked when named. Its
IFail is the paper's; the transcription's Synod.tla has ``allInput =
allInput \\cup {ip}`` (unprimed), which asks that a failed process's new
input be one some process had, and the algorithm does not refine that
(``refines_synod_as_transcribed`` fails at step 1, TLC too).

Where this port differs from the text:

- IsMajority, a constant of the spec, is a majority of the disks (``2 *
  |S| > |Disk|``). MC_HDiskSynod's IsMajorityImpl compares with N, the number of processes
  (``Cardinality(s) * 2 > N``): the same majorities on 2 disks with N of
  2 or 3 (the cfg's), but one disk of two or three a majority for N = 1,
  and none of one disk for N = 2, which breaks the spec's ASSUME
  IsMajority(Disk). The transcription's ASSUME ``IsMajority(S) /\\
  IsMajority(T) => (S \\cup T # {})`` is the paper's ``S \\cap T``.
- NotAnInput is None; the phase-1 and phase-0 CHOOSEs pick the first
  highest-``bal`` block in the order (mbal, bal, inp): the blocks of one
  ``bal`` all hold its value, so which one is taken does not change the
  step.
- A step that changes nothing (a write of the block already on the disk, a
  read of a block already read, a Fail of a process already failed with
  that input) is yielded as TLC generates it; it makes no new state.
"""

from __future__ import annotations

from itertools import combinations, product
from typing import NamedTuple

from checker import Fails, Model, Param, invariant, transition
from checker.model import Note
from models.kit import Symmetric, ids, indexed_by

Input = ids("inputs", "in", first=1, named=True)   # the model values in1, in2, ...
Disk = ids("disks", "", first=1, named=True)       # disks 1, 2, ... as the cfg's Disk


class Block(NamedTuple):
    """DiskBlock: [mbal, bal, inp]; inp None is NotAnInput."""

    mbal: int
    bal: int
    inp: Input | None


INIT_DB = Block(0, 0, None)


class BlockRead(NamedTuple):
    """An element of blocksRead[p][d]: [block |-> disk[d][q], proc |-> q]."""

    block: Block
    proc: int


class State(NamedTuple):
    """The spec's variables; per-process ones are tuples by process (1 first)."""

    input: tuple[Input, ...]
    output: tuple[Input | None, ...]
    disk: indexed_by(Disk, tuple[Block, ...])
    phase: tuple[int, ...]
    dblock: tuple[Block, ...]
    disksWritten: tuple[frozenset[Disk], ...]
    blocksRead: tuple[indexed_by(Disk, frozenset[BlockRead]), ...]
    allInput: frozenset[Input]
    chosen: Input | None


# -- actions: the spec's, with its parameter names (processes by number) ---------------------


class StartBallot(NamedTuple):
    p: int
    b: int


class Phase0Read(NamedTuple):
    p: int
    d: Disk


class Phase1or2Write(NamedTuple):
    p: int
    d: Disk


class Phase1or2Read(NamedTuple):
    p: int
    d: Disk
    q: int


class AbortBallot(NamedTuple):
    """Phase1or2Read(p, d, q)'s ELSE branch: q's block on d has an mbal
    at least p's, and p starts ballot b (StartBallot(p))."""

    p: int
    d: Disk
    q: int
    b: int


class EndPhase1or2(NamedTuple):
    p: int


class Fail(NamedTuple):
    p: int
    ip: Input


class EndPhase0(NamedTuple):
    p: int
    b: int


ACTIONS = (StartBallot, Phase0Read, Phase1or2Write, Phase1or2Read, AbortBallot, EndPhase1or2,
           Fail, EndPhase0)


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]


def _highest_bal(blocks) -> Block:
    """CHOOSE b \\in blocks : \\A c \\in blocks : b.bal >= c.bal."""
    top = max(b.bal for b in blocks)
    return min((b for b in blocks if b.bal == top), key=_block_key)


class DiskPaxos(Symmetric, Model):
    name = "disk-paxos"
    summary = "Disk Paxos (Gafni and Lamport; DiskSynod.tla with HDiskSynod's invariants)"
    params = (Param("N", 3, "processes 1..N", minimum=1, maximum=4),
              Param("inputs", 2, "Inputs: in1..inK", minimum=1, maximum=3),
              Param("BallotCountPerProcess", 2,
                    "Ballot(p) == p * K .. p * K + K - 1 for K ballots", minimum=1, maximum=3),
              Param("disks", 2, "Disk: disks 1..D; a majority of them is IsMajority",
                    minimum=1, maximum=4))
    actions = ACTIONS
    state_type = State
    symmetry_sets = ("inputs", "disks")  # Permutations(Inputs) \cup Permutations(Disk)

    def setup(self) -> None:
        self.procs = tuple(range(self.N))          # index i is process i + 1
        self.disk_ids = tuple(range(self.disks))
        self.input_ids = tuple(range(self.inputs))
        k = self.BallotCountPerProcess
        # Ballot(p) for p = i + 1
        self.ballots = tuple(tuple(range((i + 1) * k, (i + 1) * k + k)) for i in self.procs)
        self.majority_sets = tuple(
            frozenset(c) for size in range(self.disks + 1)
            for c in combinations(self.disk_ids, size) if self.is_majority(frozenset(c)))

    def is_majority(self, disks: frozenset) -> bool:
        """IsMajority(S): S holds more than half of the disks."""
        return 2 * len(disks) > self.disks

    # -- Init (HInit) -------------------------------------------------------------------------

    def initial_states(self):
        """input \\in [Proc -> Inputs]; outputs NotAnInput, every block
        InitDB, phase 0, nothing written or read; chosen NotAnInput and
        allInput the inputs."""
        n, nd = self.N, self.disks
        for inputs in product(self.input_ids, repeat=n):
            yield State(input=inputs, output=(None,) * n, disk=((INIT_DB,) * n,) * nd,
                        phase=(0,) * n, dblock=(INIT_DB,) * n,
                        disksWritten=(frozenset(),) * n,
                        blocksRead=((frozenset(),) * nd,) * n,
                        allInput=frozenset(inputs), chosen=None)

    # -- Next (HNext) ---------------------------------------------------------------------------

    def successors(self, s: State):
        for action, t in self.next_steps(s):
            yield action, self.history(t)

    def next_steps(self, s: State):
        """DiskSynod's Next, in its order of disjuncts."""
        for i in self.procs:
            p = i + 1
            for b in self.ballots[i]:
                t = self.start_ballot(s, i, b)
                if t is not None:
                    yield StartBallot(p, b), t
            for d in self.disk_ids:
                t = self.phase0_read(s, i, d)
                if t is not None:
                    yield Phase0Read(p, Disk(d)), t
                t = self.phase1or2_write(s, i, d)
                if t is not None:
                    yield Phase1or2Write(p, Disk(d)), t
                for j in self.procs:
                    if j != i:
                        yield from self.phase1or2_read(s, i, d, j)
            t = self.end_phase1or2(s, i)
            if t is not None:
                yield EndPhase1or2(p), t
            for ip in self.input_ids:
                t = self.fail(s, i, ip)
                if t is not None:
                    yield Fail(p, Input(ip)), t
            for b in self.ballots[i]:
                t = self.end_phase0(s, i, b)
                if t is not None:
                    yield EndPhase0(p, b), t

    def history(self, t: State) -> State:
        """HNext's history: chosen becomes the output of the first process
        with one, unless a value was chosen before; allInput gains the
        inputs."""
        chosen = t.chosen
        if chosen is None:
            chosen = next((o for o in t.output if o is not None), None)
        return t._replace(chosen=chosen, allInput=t.allInput | frozenset(t.input))

    # -- DiskSynod's actions --------------------------------------------------------------------

    def initialize_phase(self, s: State, i: int) -> State:
        """InitializePhase(p): no disk written, no block read."""
        return s._replace(disksWritten=_with(s.disksWritten, i, frozenset()),
                          blocksRead=_with(s.blocksRead, i, (frozenset(),) * self.disks))

    def start_ballot(self, s: State, i: int, b: int) -> State | None:
        """StartBallot(p): in phase 1 or 2, p begins phase 1 of a ballot b
        of its own above its mbal."""
        if s.phase[i] not in (1, 2) or not b > s.dblock[i].mbal:
            return None
        t = s._replace(phase=_with(s.phase, i, 1),
                       dblock=_with(s.dblock, i, s.dblock[i]._replace(mbal=b)))
        return self.initialize_phase(t, i)

    def phase1or2_write(self, s: State, i: int, d: int) -> State | None:
        """Phase1or2Write(p, d): p writes its dblock to its block on d."""
        if s.phase[i] not in (1, 2):
            return None
        return s._replace(disk=_with(s.disk, d, _with(s.disk[d], i, s.dblock[i])),
                          disksWritten=_with(s.disksWritten, i, s.disksWritten[i] | {d}))

    def phase1or2_read(self, s: State, i: int, d: int, j: int):
        """Phase1or2Read(p, d, q): from a disk d it has written, p reads q's
        block if its mbal is below p's; else p starts a new ballot (the
        ELSE branch, StartBallot(p): AbortBallot)."""
        if not self.may_read(s, i, d):
            return
        block = s.disk[d][j]
        if block.mbal < s.dblock[i].mbal:
            read = s.blocksRead[i][d] | {BlockRead(block, j + 1)}
            yield (Phase1or2Read(i + 1, Disk(d), j + 1),
                   s._replace(blocksRead=_with(s.blocksRead, i,
                                               _with(s.blocksRead[i], d, read))))
            return
        for b in self.ballots[i]:
            t = self.start_ballot(s, i, b)
            if t is not None:
                yield AbortBallot(i + 1, Disk(d), j + 1, b), t

    def may_read(self, s: State, i: int, d: int) -> bool:
        """d \\in disksWritten[p]: p reads only from disks it has written."""
        return d in s.disksWritten[i]

    def has_read(self, s: State, i: int, d: int, j: int) -> bool:
        """hasRead(p, d, q): p has read q's block from d."""
        return any(br.proc == j + 1 for br in s.blocksRead[i][d])

    def all_blocks_read(self, s: State, i: int) -> frozenset:
        """allBlocksRead(p): every block p has read, from any disk."""
        return frozenset(br.block for read in s.blocksRead[i] for br in read)

    def phase_done_disks(self, s: State, i: int) -> frozenset:
        """{d \\in disksWritten[p] : \\A q \\in Proc \\ {p} : hasRead(p, d, q)}"""
        return frozenset(d for d in s.disksWritten[i]
                         if all(self.has_read(s, i, d, j) for j in self.procs if j != i))

    def read_on_a_majority(self, s: State, i: int) -> bool:
        """IsMajority({d \\in disksWritten[p] : \\A q \\in Proc \\ {p} :
        hasRead(p, d, q)})"""
        return self.is_majority(self.phase_done_disks(s, i))

    def phase1_value(self, s: State, i: int):
        """The value p adopts at the end of phase 1: that of the block of
        highest bal among those read and its own, if any holds one; else its
        input."""
        seen = self.all_blocks_read(s, i) | {s.dblock[i]}
        holding = [b for b in seen if b.inp is not None]
        return _highest_bal(holding).inp if holding else s.input[i]

    def end_phase1or2(self, s: State, i: int) -> State | None:
        """EndPhase1or2(p): p has read every other block on a majority of the
        disks it wrote; phase 1 takes bal = mbal and the value of the
        highest-bal block seen, phase 2 outputs its value; then the next
        phase."""
        if not self.read_on_a_majority(s, i):
            return None
        if s.phase[i] == 1:
            block = s.dblock[i]._replace(bal=s.dblock[i].mbal, inp=self.phase1_value(s, i))
            t = s._replace(dblock=_with(s.dblock, i, block))
        elif s.phase[i] == 2:
            t = s._replace(output=_with(s.output, i, s.dblock[i].inp))
        else:
            return None
        return self.initialize_phase(t._replace(phase=_with(s.phase, i, s.phase[i] + 1)), i)

    def fail(self, s: State, i: int, ip: int) -> State | None:
        """Fail(p): p restarts with input ip in phase 0, its dblock and
        output cleared; its blocks stay on the disks."""
        t = s._replace(input=_with(s.input, i, ip), phase=_with(s.phase, i, 0),
                       dblock=_with(s.dblock, i, INIT_DB), output=_with(s.output, i, None))
        return self.initialize_phase(t, i)

    def phase0_read(self, s: State, i: int, d: int) -> State | None:
        """Phase0Read(p, d): in phase 0, p reads its own block from d."""
        if s.phase[i] != 0:
            return None
        read = s.blocksRead[i][d] | {BlockRead(s.disk[d][i], i + 1)}
        return s._replace(blocksRead=_with(s.blocksRead, i, _with(s.blocksRead[i], d, read)))

    def end_phase0(self, s: State, i: int, b: int) -> State | None:
        """EndPhase0(p): p has read its own block from a majority of disks;
        it takes the highest-bal block read, with mbal a ballot b of its own
        above every mbal read, and enters phase 1."""
        if s.phase[i] != 0:
            return None
        if not self.is_majority(frozenset(d for d in self.disk_ids
                                          if self.has_read(s, i, d, i))):
            return None
        read = self.all_blocks_read(s, i)
        if not all(b > r.mbal for r in read):
            return None
        t = s._replace(dblock=_with(s.dblock, i, _highest_bal(read)._replace(mbal=b)),
                       phase=_with(s.phase, i, 1))
        return self.initialize_phase(t, i)

    # -- HDiskSynod's definitions -------------------------------------------------------------

    def blocks_of(self, s: State, i: int) -> frozenset:
        """blocksOf(p): p's dblock, its blocks on the disks, and every block
        of p's that any process has read."""
        return (frozenset([s.dblock[i]]) | frozenset(s.disk[d][i] for d in self.disk_ids)
                | frozenset(br.block for per_proc in s.blocksRead for read in per_proc
                            for br in read if br.proc == i + 1))

    def all_blocks(self, s: State) -> frozenset:
        return frozenset().union(*(self.blocks_of(s, i) for i in self.procs))

    def max_bal_inp(self, s: State, b: int, v) -> bool:
        """maxBalInp(b, v): every block with bal >= b holds v."""
        return all(bk.inp == v for bk in self.all_blocks(s) if bk.bal >= b)

    def value_chosen(self, s: State, v) -> bool:
        """valueChosen(v): for some ballot b, every block of bal >= b holds
        v, and some process's blocks on a majority of disks have bal >= b,
        where no process in phase 1 at a ballot >= b has read such a block
        without reading one of bal >= b."""
        for b in sorted(b for ballots in self.ballots for b in ballots):
            if not self.max_bal_inp(s, b, v):
                continue
            for i in self.procs:
                for disks in self.majority_sets:
                    if all(s.disk[d][i].bal >= b and all(
                            not (s.phase[q] == 1 and s.dblock[q].mbal >= b
                                 and self.has_read(s, q, d, i))
                            or any(br.block.bal >= b for br in s.blocksRead[q][d])
                            for q in self.procs) for d in disks):
                        return True
        return False

    # -- properties: HDiskSynod's invariants, split into conjuncts ------------------------------

    @invariant("HInv2")
    def hinv2(self, s: State):
        """HInv2: the blocks are well formed, a process's own variables agree
        with its phase, and the history variables with the inputs and
        outputs."""
        for i in self.procs:
            p, mine = i + 1, set(self.ballots[i]) | {0}
            for bk in sorted(self.blocks_of(s, i), key=_block_key):
                if bk.mbal not in mine or bk.bal not in mine:
                    return Fails(f"block {_block(bk)} of process {p} is of another's ballot")
                if (bk.bal == 0) != (bk.inp is None):
                    return Fails(f"block {_block(bk)} of process {p}: bal = 0 is not "
                                 "inp = NotAnInput")
                if bk.mbal < bk.bal:
                    return Fails(f"block {_block(bk)} of process {p} has mbal < bal")
                if bk.inp is not None and bk.inp not in s.allInput:
                    return Fails(f"block {_block(bk)} of process {p} holds no input")
        for i in self.procs:
            p = i + 1
            for d in self.disk_ids:
                if d in s.disksWritten[i] and not (s.phase[i] in (1, 2)
                                                   and s.disk[d][i] == s.dblock[i]):
                    return Fails(f"process {p} wrote disk {d + 1} but its block there is "
                                 "not its dblock, or it is not in phase 1 or 2")
                if s.phase[i] in (1, 2):
                    if s.blocksRead[i][d] and d not in s.disksWritten[i]:
                        return Fails(f"process {p} read from disk {d + 1} before writing it")
                    if self.has_read(s, i, d, i):
                        return Fails(f"process {p} in phase {s.phase[i]} read its own block "
                                     f"from disk {d + 1}")
        for i in self.procs:
            p, dblock, phase = i + 1, s.dblock[i], s.phase[i]
            read = [br for per_disk in s.blocksRead[i] for br in per_disk]
            if phase == 0:
                if dblock != INIT_DB or s.disksWritten[i]:
                    return Fails(f"process {p} in phase 0 has a dblock or written disks")
                if not all(br.proc == p and br.block == s.disk[d][i]
                           for d in self.disk_ids for br in s.blocksRead[i][d]):
                    return Fails(f"process {p} in phase 0 read what is not its own block")
            else:
                if dblock.mbal not in self.ballots[i] or (
                        dblock.bal not in self.ballots[i] and dblock.bal != 0):
                    return Fails(f"process {p}'s dblock {_block(dblock)} is not of its ballots")
                if any(br.block.mbal >= dblock.mbal for br in read):
                    return Fails(f"process {p} read a block of mbal >= its own "
                                 f"{dblock.mbal}")
            if phase in (2, 3) and dblock.bal != dblock.mbal:
                return Fails(f"process {p} in phase {phase} has bal {dblock.bal} "
                             f"# mbal {dblock.mbal}")
            if s.output[i] != (dblock.inp if phase == 3 else None):
                return Fails(f"process {p}'s output is not its value of phase 3")
        if s.chosen is not None and s.chosen not in s.allInput:
            return Fails(f"chosen {_input(s.chosen)} was never an input")
        for i in self.procs:
            if s.input[i] not in s.allInput:
                return Fails(f"input of process {i + 1} is not in allInput")
            if s.chosen is None and s.output[i] is not None:
                return Fails(f"process {i + 1} output {_input(s.output[i])} with nothing "
                             "chosen")
        return True

    @invariant("HInv3")
    def hinv3(self, s: State):
        """HInv3: of two processes in phase 1 or 2 that read each other's
        block on a disk, one read the other's current dblock there."""
        for i, j in product(self.procs, repeat=2):
            if s.phase[i] not in (1, 2) or s.phase[j] not in (1, 2):
                continue
            for d in self.disk_ids:
                if (self.has_read(s, i, d, j) and self.has_read(s, j, d, i)
                        and BlockRead(s.dblock[j], j + 1) not in s.blocksRead[i][d]
                        and BlockRead(s.dblock[i], i + 1) not in s.blocksRead[j][d]):
                    return Fails(f"processes {i + 1} and {j + 1} read each other on disk "
                                 f"{d + 1}, neither the other's current dblock")
        return True

    @invariant("HInv4")
    def hinv4(self, s: State):
        """HInv4: a process's dblock bounds its blocks' ballots; a
        process's blocks on a majority of disks are as high as any of its
        blocks' bal."""
        for i in self.procs:
            p, dblock, phase, blocks = i + 1, s.dblock[i], s.phase[i], self.blocks_of(s, i)
            if phase != 0:
                if any(dblock.mbal < bk.bal for bk in blocks):
                    return Fails(f"process {p}'s mbal {dblock.mbal} is below a bal of its "
                                 "blocks")
                for disks in self.majority_sets:
                    if not any(dblock.mbal >= s.disk[d][i].mbal
                               and dblock.bal >= s.disk[d][i].bal for d in disks):
                        return Fails(f"process {p}'s dblock is below its blocks on disks "
                                     f"{_disks(disks)}")
            if phase == 1 and any(dblock.mbal <= bk.bal for bk in blocks):
                return Fails(f"process {p} in phase 1 has a block of bal >= its mbal "
                             f"{dblock.mbal}")
            if phase in (2, 3) and not any(all(s.disk[d][i].mbal == dblock.bal for d in disks)
                                           for disks in self.majority_sets):
                return Fails(f"process {p} in phase {phase}: no majority of disks holds its "
                             f"ballot {dblock.bal}")
            for bk in sorted(blocks, key=_block_key):
                if not any(all(s.disk[d][i].mbal >= bk.bal for d in disks)
                           for disks in self.majority_sets):
                    return Fails(f"process {p}'s block {_block(bk)}: no majority of disks "
                                 f"holds mbal >= {bk.bal}")
        return True

    @invariant("HInv5", default=False)
    def hinv5(self, s: State):
        """HInv5 (not among the cfg's invariants): a process in phase 2
        holds the value of every block of bal at least its own, or a
        majority of disks hold another process's block of a higher mbal
        that it has not read."""
        for i in self.procs:
            if s.phase[i] != 2:
                continue
            dblock = s.dblock[i]
            if self.max_bal_inp(s, dblock.bal, dblock.inp):
                continue
            if not any(all(s.disk[d][q].mbal > dblock.bal and not self.has_read(s, i, d, q)
                           for d in disks)
                       for disks in self.majority_sets for q in self.procs):
                return Fails(f"process {i + 1} in phase 2 with {_block(dblock)}: a block of "
                             "bal >= its own holds another value")
        return True

    @invariant("HInv6")
    def hinv6(self, s: State):
        """HInv6: the value chosen is chosen (valueChosen), and every
        output is it: SynodSpec's agreement."""
        if s.chosen is not None and not self.value_chosen(s, s.chosen):
            return Fails(f"chosen {_input(s.chosen)} is not valueChosen")
        for i in self.procs:
            if s.output[i] not in (s.chosen, None):
                return Fails(f"process {i + 1} output {_input(s.output[i])} where "
                             f"{_input(s.chosen)} was chosen")
        return True

    @transition("Refines SynodSpec", default=False)
    def refines_synod(self, s: State, action, t: State):
        """THEOREM DiskSynodSpec => SynodSpec, with HDiskSynod's chosen and
        allInput as Inner's: every step is IChoose(p) or IFail(p) of
        Synod's Inner module, or leaves input, output, chosen and allInput
        unchanged. IFail is the paper's, ``allInput' = allInput \\cup
        {ip}``; the transcription's Synod.tla writes ``allInput =``, which
        the algorithm does not refine (a process may fail to an input no
        process had)."""
        if (s.input, s.output, s.chosen, s.allInput) == (t.input, t.output, t.chosen,
                                                         t.allInput):
            return True
        if any(self.i_choose(s, i, t) or self.i_fail(s, i, t) for i in self.procs):
            return True
        return Fails(f"{action} is no step of SynodSpec")

    def i_choose(self, s: State, i: int, t: State) -> bool:
        """IChoose(p): p, without output, outputs the value chosen, or
        chooses one of allInput if none is."""
        if s.output[i] is not None or (t.input, t.allInput) != (s.input, s.allInput):
            return False
        if s.chosen is None:
            return t.chosen in s.allInput and t.output == _with(s.output, i, t.chosen)
        return t.chosen == s.chosen and t.output == _with(s.output, i, s.chosen)

    def i_fail(self, s: State, i: int, t: State) -> bool:
        """IFail(p): p loses its output and takes a new input ip, which
        joins allInput."""
        ip = t.input[i]
        return (t.output == _with(s.output, i, None) and t.input == _with(s.input, i, ip)
                and t.allInput == s.allInput | {ip} and t.chosen == s.chosen)

    @transition("Refines SynodSpec as transcribed", default=False)
    def refines_synod_as_transcribed(self, s: State, action, t: State):
        """The refinement with the transcription's IFail: ``\\E ip \\in
        Inputs : input' = [input EXCEPT ![p] = ip] /\\ allInput = allInput
        \\cup {ip}``, which asks that ip be in allInput already and leaves
        allInput' free. It fails at a process's first Fail to an input no
        process had (TLC too, at step 1)."""
        if (s.input, s.output, s.chosen, s.allInput) == (t.input, t.output, t.chosen,
                                                         t.allInput):
            return True
        for i in self.procs:
            if self.i_choose(s, i, t):
                return True
            if (t.output == _with(s.output, i, None)
                    and t.input == _with(s.input, i, t.input[i]) and t.input[i] in s.allInput
                    and t.chosen == s.chosen):
                return True
        return Fails(f"{action} is no step of SynodSpec as transcribed")

    # -- reports ------------------------------------------------------------------------------

    def nodes(self):
        return tuple(f"p{i + 1}" for i in self.procs)

    def step_events(self, s: State, action, t: State) -> list:
        i = action.p - 1
        return [Note(f"p{action.p}", f"{type(action).__name__}: phase {t.phase[i]}, "
                                     f"dblock {_block(t.dblock[i])}")]

    def state_view(self, s: State) -> dict:
        view = {}
        for i in self.procs:
            p = f"p{i + 1}"
            view[f"{p}.input"] = _input(s.input[i])
            view[f"{p}.output"] = _input(s.output[i])
            view[f"{p}.phase"] = s.phase[i]
            view[f"{p}.dblock"] = _block(s.dblock[i])
            view[f"{p}.disksWritten"] = sorted(d + 1 for d in s.disksWritten[i])
            for d in self.disk_ids:
                view[f"{p}.blocksRead[{d + 1}]"] = sorted(
                    f"{_block(br.block)} of p{br.proc}" for br in s.blocksRead[i][d])
        for d in self.disk_ids:
            for i in self.procs:
                view[f"disk[{d + 1}][{i + 1}]"] = _block(s.disk[d][i])
        view["allInput"] = sorted(_input(v) for v in s.allInput)
        view["chosen"] = _input(s.chosen)
        return view


def _input(v) -> str:
    return "NotAnInput" if v is None else f"in{v + 1}"


def _block(b: Block) -> str:
    return f"<<{b.mbal}, {b.bal}, {_input(b.inp)}>>"


def _block_key(b: Block) -> tuple:
    return b.mbal, b.bal, -1 if b.inp is None else b.inp


def _disks(disks) -> str:
    return "{" + ", ".join(str(d + 1) for d in sorted(disks)) + "}"


# -- mutants: each overrides one method ------------------------------------------------------


@DiskPaxos.mutant(
    "phase1_keeps_own_input", "EndPhase1or2 in phase 1 takes the process's own input, not the "
    "value of the highest-bal block it read: a later ballot outputs another value than one "
    "already chosen (Paxos's phase 2 without the value of phase 1)")
class Phase1KeepsOwnInput(DiskPaxos):
    """blocksSeen is ignored: inp' = input[p]."""

    def read_on_a_majority(self, s: State, i: int) -> bool:
        """IsMajority({d \\in disksWritten[p] : \\A q \\in Proc \\ {p} :
        hasRead(p, d, q)})"""
        return self.is_majority(self.phase_done_disks(s, i))

    def phase1_value(self, s: State, i: int):
        return s.input[i]


@DiskPaxos.mutant(
    "one_disk_is_a_majority", "EndPhase1or2 ends a phase having read the other processes' "
    "blocks on one disk, not a majority: two processes that each use a disk the other did "
    "not never see each other's ballot and output two values")
class OneDiskIsAMajority(DiskPaxos):
    """IsMajority(...) in EndPhase1or2 is ``# {}``."""

    def read_on_a_majority(self, s: State, i: int) -> bool:
        return bool(self.phase_done_disks(s, i))


@DiskPaxos.mutant(
    "output_survives_failure", "Fail keeps the process's output: a process that restarts "
    "still reports the value it decided before, though it no longer knows it (it is in "
    "phase 0 with an empty dblock)")
class OutputSurvivesFailure(DiskPaxos):
    """Fail(p) without output' = [output EXCEPT ![p] = NotAnInput]."""

    def fail(self, s: State, i: int, ip: int) -> State | None:
        return super().fail(s, i, ip)._replace(output=s.output)


@DiskPaxos.mutant(
    "read_before_write", "Phase1or2Read reads from a disk the process has not written in "
    "this phase: two processes may each read the other's old block there, neither seeing "
    "the other's current ballot")
class ReadBeforeWrite(DiskPaxos):
    """Phase1or2Read(p, d, q) without d \\in disksWritten[p]."""

    def may_read(self, s: State, i: int, d: int) -> bool:
        return True
