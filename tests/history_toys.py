"""A toy register with client histories, for the linearizability check
and its timeline report (checker.history, reports.timeline)."""

from __future__ import annotations

from typing import NamedTuple

from checker import Model, Param
from checker.history import Invoke, KeyValue, Respond, linearizable


class Call(NamedTuple):
    client: str


class Serve(NamedTuple):
    client: str


class Return(NamedTuple):
    client: str


class Sync(NamedTuple):
    pass


class RegisterState(NamedTuple):
    primary: int
    backup: int
    #: per client, the result of its call once served (None before)
    answers: tuple
    history: tuple


class Register(Model):
    """A register x on a primary with a backup copy that catches up by
    `Sync`. Client c1 writes 1, 2, ... (`writes` calls), c2 reads (`reads`
    calls); each call is invoked, served at one atomic step, and returned.

    A history is kept in the state, so the invariant is linearizability.
    """

    name = "register"
    summary = "a register with a lagging backup (a toy for the history check)"
    params = (Param("writes", 1, "write calls of client c1", minimum=0),
              Param("reads", 1, "read calls of client c2", minimum=0))
    mutants = {"stale_read": "reads are served by the backup, which lags behind the "
                             "primary (a serializable read) → Linearizable"}
    actions = (Call, Serve, Return, Sync)
    clients = ("c1", "c2")

    def initial_states(self):
        return [RegisterState(0, 0, (None, None), ())]

    def calls_made(self, state, client):
        return sum(isinstance(e, Invoke) and e.client == client for e in state.history)

    def outstanding(self, state, client):
        """The client's call not yet returned, or None."""
        for event in reversed(state.history):
            if event.client == client:
                return event if isinstance(event, Invoke) else None
        return None

    def successors(self, state):
        budget = {"c1": self.writes, "c2": self.reads}
        for slot, client in enumerate(self.clients):
            call = self.outstanding(state, client)
            made = self.calls_made(state, client)
            if call is None and made < budget[client]:
                invoked = (Invoke(client, "write", "x", made + 1) if client == "c1"
                           else Invoke(client, "read", "x"))
                yield Call(client), state._replace(history=state.history + (invoked,))
            elif call is not None and state.answers[slot] is None:
                yield Serve(client), self.serve(state, slot, call)
            elif call is not None:
                answers = state.answers[:slot] + (None,) + state.answers[slot + 1:]
                yield Return(client), state._replace(
                    answers=answers,
                    history=state.history + (Respond(client, state.answers[slot]),))
        if state.backup != state.primary:
            yield Sync(), state._replace(backup=state.primary)

    def serve(self, state, slot, call):
        if call.op == "write":
            state, result = state._replace(primary=call.arg), "ok"
        else:
            result = state.backup if self.mutant == "stale_read" else state.primary
        return state._replace(answers=state.answers[:slot] + (result,)
                              + state.answers[slot + 1:])

    def bound_reason(self, state):
        return f"every client has made its calls (writes = {self.writes}, reads = {self.reads})"

    @linearizable("Linearizable", KeyValue(keys=("x",), initial=0))
    def linearizability(self, state):
        """Every read returns the value of the latest write that completed
        before it began, or of one overlapping it."""
        return state.history
