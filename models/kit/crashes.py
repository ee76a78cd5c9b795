"""Crashes and restarts: the steps of a model's `on_crash` and
`on_restart` handlers, each within its budget (see `models.kit.handlers`)."""

from __future__ import annotations

from functools import partial
from typing import Any, Mapping

from checker.errors import ModelDefinitionError, shortened
from models.kit.globals import written
from models.kit.handlers import Down, Node
from models.kit.memo import Memo, handler_of


class Crashes:
    """`ActorModel`'s crashes and restarts: the budgets left are a part of
    the global state, just before the clock (if any) and the network."""

    def _setup_restarts(self, slots: list[tuple[int, int]]) -> None:
        """The crash and restart handlers, node by node: (slot, node, handler
        name, index of its budget in the budgets part, the step's action, what
        it does: "crash", "restart" (of a down node) or "crash-restart" (in
        one step), the globals it reads); the budgets, by parameter."""
        self._budget_names: list[str] = []
        self._restartable: list[tuple[int, Node, str, int, Any, str]] = []
        for r, nodes in enumerate(self._nodes):
            handlers = self._roles[r].handlers()
            crashes = any(h.crash for h in handlers.values())
            for name, handler in handlers.items():
                budget_name = handler.restart or handler.crash
                if budget_name is None:
                    continue
                if budget_name not in self._budget_names:
                    self._budget_names.append(budget_name)
                budget = self._budget_names.index(budget_name)
                kind = ("crash" if handler.crash else "restart" if crashes
                        else "crash-restart")
                self._restartable += [(self._slot[r, node.id], node, name, budget,
                                       self._intern(handler.action(node.id)), kind,
                                       handler.reads_globals)
                                      for node in nodes]
        # A crash or restart whose budget parameter is 0 cannot happen in
        # this instance: it is not among its actions, so coverage does not
        # call it never fired (as a network's faults without a budget)
        # (nor a restart of a node that cannot crash: no budget lets it go down)
        crashing = {id(node) for _, node, _, budget, _, kind, _ in self._restartable
                    if kind == "crash" and getattr(self, self._budget_names[budget])}
        largest: dict[type, int] = {}  # action type -> the largest budget of its handlers
        usable = set()  # the budgets some handler can spend
        for _, node, _, budget, action, kind, _ in self._restartable:
            given = getattr(self, self._budget_names[budget])
            if kind == "restart" and id(node) not in crashing:
                given = 0
            largest[type(action)] = max(largest.get(type(action), 0), given)
            if given:
                usable.add(budget)
        self.actions = tuple(kind for kind in self.actions if largest.get(kind, 1))
        # nor does a state view show it: the budgets it shows (index, name),
        # and the slots of the nodes that may crash (whose `.down` it shows)
        self._budgets_shown = [(i, name) for i, name in enumerate(self._budget_names)
                               if i in usable]
        self._may_crash = {slot for slot, _, _, budget, _, kind, _ in self._restartable
                           if kind == "crash" and getattr(self, self._budget_names[budget])}
        self._restarted = Memo(self._restart_record, differs=lambda key, first, second: (
            self._differs(key[0], key[1], key[3], _returned(first[0]), _returned(second[0]))),
            checked_by=handler_of)
        # the budgets left sit just before the clock (if any) and the network
        self._budgets_at = -3 if type(self).clock is not None else -2

    def _restart_record(self, key: tuple) -> tuple:
        """The record handler `name` of `node` leaves (`kind` as in
        `_restartable`), interned, and the globals it writes as (field
        index, value) pairs or None, from `record` and the values `seen` of
        the globals it reads."""
        node, name, kind, record, seen = key
        mark = self._marks[type(node)][name]
        handler = getattr(node, name)
        if seen is not None:
            handler = partial(handler, **dict(zip(mark.reads_globals, seen)))
        outcome, writes = handler(record.kept if kind == "restart" else record), None
        if mark.writes_globals:
            if not (type(outcome) is tuple and len(outcome) == 2
                    and isinstance(outcome[1], Mapping)):
                raise self._wrote_nothing(type(node).__name__, name, mark, "(" + (
                    "what survives the crash" if kind == "crash"
                    else "the record it restarts with") + ", ")
            outcome, writes = outcome[0], written(
                self, f"model {self.name!r}: {type(node).__name__}.{name}", mark, outcome[1])
        if outcome is None and kind != "crash":  # (what survives a crash may be None)
            raise ModelDefinitionError(
                f"model {self.name!r}: {type(node).__name__}.{name} restarts the node with "
                "None; a restart handler returns the record the node restarts with (a "
                "restart takes no guard: its budget alone bounds it)")
        return self._intern(Down(outcome) if kind == "crash" else outcome), writes

    def _restarts(self, state: tuple, steps: list) -> None:
        """Append each node's crash or restart within a budget left: a crash
        of a node up, a restart of a node down (or, without a crash handler,
        both in one step)."""
        at = len(state) + self._budgets_at
        left = state[at]
        for slot, node, name, budget, action, kind, reads in self._restartable:
            record = state[slot]
            if left[budget] and (type(record) is Down) == (kind == "restart"):
                spent = left[:budget] + (left[budget] - 1,) + left[budget + 1:]
                seen = self._read_globals(reads, state[self._globals_at]) if reads else None
                record, writes = self._restarted[node, name, kind, record, seen]
                after = (state[:slot] + (record,) + state[slot + 1:at] + (spent,)
                         + state[at + 1:])
                if writes:  # (the globals lie after the records, before the budgets)
                    g = self._globals_at
                    after = after[:g] + (self._written[after[g], writes],) + after[g + 1:]
                steps.append((action, after))


def _returned(record: Any) -> str:
    """What a crash or restart handler returned, given the record it leaves
    (a crashed node's is held `Down`)."""
    return shortened(record.kept if type(record) is Down else record)

