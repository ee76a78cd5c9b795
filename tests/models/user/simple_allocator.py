"""A resource allocator (SimpleAllocator.tla of the TLA+ examples, Merz):
clients request sets of resources, the allocator hands out available ones
a part at a time, and clients return what they hold. A plain
`checker.Model`.

Its fairness is about particular steps: each client returns everything it
holds (``WF_vars(Return(c, alloc[c]))``) and is allocated something
whenever it can be, infinitely often (``SF_vars(\\E S : Allocate(c, S))``).
A step names what a family selects: `Return` says whether it returns the
whole allocation and whether the client's request was satisfied, so a spec
writes ``Return(c=*, whole=True)`` (or, for the weaker SimpleAllocator2,
``Return(c=*, whole=True, satisfied=True)``) and ``Allocate(c=*)``.

The liveness properties are stated for clients 0 and 1 and resources 0
and 1, the configuration they are checked on.
"""

from itertools import combinations
from typing import NamedTuple

from checker import Model, Param, always_eventually, invariant, leads_to


class State(NamedTuple):
    unsat: tuple[frozenset, ...]    # by client: resources requested, not yet allocated
    alloc: tuple[frozenset, ...]    # by client: resources held


class Request(NamedTuple):
    c: int
    S: frozenset


class Allocate(NamedTuple):
    c: int
    S: frozenset


class Return(NamedTuple):
    c: int
    S: frozenset
    whole: bool         # S is everything c holds
    satisfied: bool     # c's request was satisfied


class SimpleAllocator(Model):
    name = "simple-allocator"
    summary = "clients request, obtain and return resources (SimpleAllocator.tla)"
    params = (Param("clients", 2, "clients", minimum=1),
              Param("resources", 2, "resources", minimum=1))
    mutants = {"double_allocation": "Allocate ignores what others hold → Resource Mutex"}
    actions = (Request, Allocate, Return)

    def setup(self) -> None:
        everything = range(self.resources)
        self.subsets = [frozenset(chosen) for size in range(1, self.resources + 1)
                        for chosen in combinations(everything, size)]

    def initial_states(self):
        nothing = (frozenset(),) * self.clients
        return [State(unsat=nothing, alloc=nothing)]

    def available(self, s: State) -> frozenset:
        held = frozenset().union(*s.alloc) if self.mutant != "double_allocation" else frozenset()
        return frozenset(range(self.resources)) - held

    def successors(self, s: State):
        free = self.available(s)
        for c in range(self.clients):
            if not s.unsat[c] and not s.alloc[c]:
                for S in self.subsets:
                    yield Request(c, S), s._replace(unsat=_with(s.unsat, c, S))
            for S in self.subsets:
                if S <= free & s.unsat[c]:
                    yield Allocate(c, S), State(unsat=_with(s.unsat, c, s.unsat[c] - S),
                                                alloc=_with(s.alloc, c, s.alloc[c] | S))
            for S in self.subsets:
                if S <= s.alloc[c]:
                    yield (Return(c, S, S == s.alloc[c], not s.unsat[c]),
                           s._replace(alloc=_with(s.alloc, c, s.alloc[c] - S)))

    @invariant("Resource Mutex")
    def resource_mutex(self, s: State):
        return all(not (a & b) for a, b in combinations(s.alloc, 2))

    @leads_to("Client 0 Will Return")
    def returns_0(self, s: State):
        return not s.unsat[0], not s.alloc[0]

    @leads_to("Client 1 Will Return")
    def returns_1(self, s: State):
        return not s.unsat[1], not s.alloc[1]

    @leads_to("Client 0 Will Obtain Resource 0")
    def obtains_0_0(self, s: State):
        return 0 in s.unsat[0], 0 in s.alloc[0]

    @leads_to("Client 0 Will Obtain Resource 1")
    def obtains_0_1(self, s: State):
        return 1 in s.unsat[0], 1 in s.alloc[0]

    @leads_to("Client 1 Will Obtain Resource 0")
    def obtains_1_0(self, s: State):
        return 0 in s.unsat[1], 0 in s.alloc[1]

    @leads_to("Client 1 Will Obtain Resource 1")
    def obtains_1_1(self, s: State):
        return 1 in s.unsat[1], 1 in s.alloc[1]

    @always_eventually("Client 0 Often Satisfied")
    def satisfied_0(self, s: State):
        return not s.unsat[0]

    @always_eventually("Client 1 Often Satisfied")
    def satisfied_1(self, s: State):
        return not s.unsat[1]


def _with(values: tuple, index: int, value) -> tuple:
    return values[:index] + (value,) + values[index + 1:]
