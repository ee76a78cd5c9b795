"""How a kit model prints: its states by field, the events of a step for
sequence charts, and why a run ends at a bound."""

from __future__ import annotations

from typing import Any

from checker.model import BagView, Note, QueueView, Received, Sent, jsonable
from models.kit.handlers import Down
from models.kit.network import Heal, Split, delivered, receiver
from models.kit.records import (end_field, fields_shown, label, shown, structured,
                                structured_field)


class Printing:
    """`ActorModel`'s reports: see `checker.Model`'s methods of those names."""

    def bound_reason(self, state: tuple) -> str | None:
        """A run of a model with time ends, at the latest, when its clock
        reaches the horizon: a bound, not a deadlock."""
        if self.clock is not None and state[-2].now >= self.clock.horizon:
            return (f"the clock reached its horizon ({self.clock.horizon_param} = "
                    f"{self.clock.horizon} ticks)")
        return None

    def state_view(self, state: tuple) -> dict[str, Any]:
        """Each node's fields as ``a0.max_bal`` (named values by name: ``v0``,
        ``none``), then the network."""
        view = self._fields_view(state, structure=False)
        if self.clock is not None:
            view.update(self.clock.view(state[-2]))
        view.update(self._without_messages(self.network.view(state[-1])))
        return view

    def _without_messages(self, shown: dict[str, Any]) -> dict[str, Any]:
        """A view of the network without its messages where the model has
        no message type: none in any state (``msgs = []`` says nothing);
        its budgets and partition, if any, stay."""
        if not self.messages:
            shown.pop(self.network.messages_key, None)
        return shown

    def state_values(self, state: tuple) -> dict[str, Any]:
        """The state view's fields with their values structured (`structured`:
        a record as an object of its fields, sets and bags as lists), for a
        script reading a JSON report: the messages in flight as records,
        each copy in a bag apart, a queue by its name (a delayed message
        with its ticks left, `Delayed.values`)."""
        view = self._fields_view(state, structure=True)
        if self.clock is not None:
            view.update(self.clock.values(state[-2]))
        values = getattr(self.network, "values", None)
        view.update(self._without_messages(values(state[-1]) if values is not None
                                           else self._network_values(state[-1])))
        return view

    def _fields_view(self, state: tuple, structure: bool) -> dict[str, Any]:
        """The nodes' fields, the globals and the budgets left: each value as
        its field shows it, or with `structure`, structured (`structured`,
        from the value and the field's type)."""
        def value_of(kind: type, field: str, value: Any) -> Any:
            if structure:
                return structured_field(kind, field)(value)
            show = shown(kind, field)
            return jsonable(value) if show is None else show(value)

        view: dict[str, Any] = {}
        for (r, i), position in self._slot.items():
            node, record = self._nodes[r][i], state[position]
            if type(record) is Down:
                view[f"{node.name}.down"] = True
                record = record.kept
                if not hasattr(record, "_fields"):  # what survived is not a record
                    view[f"{node.name}.kept"] = (structured(record) if structure
                                                 else jsonable(record))
                    continue
            elif position in self._may_crash:  # (up, and may crash in this instance)
                view[f"{node.name}.down"] = False
            for field, value in zip(record._fields, record):
                view[f"{node.name}.{field}"] = value_of(type(record), field, value)
        if self.globals is not None:  # the globals by field name, as records print them
            shared = state[self._globals_at]
            for field, value in zip(shared._fields, shared):
                view[field] = value_of(type(shared), field, value)
        for i, name in self._budgets_shown:  # (not a budget 0: none of the instance's)
            view[f"{name}_left"] = state[self._budgets_at][i]
        return view

    def _network_values(self, value: tuple) -> dict[str, Any]:
        """The network's view with its messages structured: each message
        printed in the view is found by its text (a set's and a bag's
        entries, a bag's copies each apart, a queue's by its name)."""
        network = self.network
        by_text = {repr(m): structured(m) for k in range(len(network.kinds))
                   for m in network.read(value, k)}
        view = network.view(value)
        for name, shown_value in view.items():
            if isinstance(shown_value, QueueView):
                view[name] = {queue: [by_text[m] for m in messages]
                              for queue, messages in shown_value.queues.items()}
            elif isinstance(shown_value, BagView):
                view[name] = [by_text[m] for m, copies in sorted(shown_value.copies.items())
                              for _ in range(copies)]
            elif isinstance(shown_value, list):
                view[name] = [by_text.get(m, m) for m in shown_value]
        return view

    def action_view(self, action: Any) -> dict[str, Any]:
        """The action's fields named as its text names them (``{"i": "s1"}``)."""
        return fields_shown(action)

    def step_events(self, state: tuple, action: Any, next_state: tuple) -> list:
        """What the step receives and sends, from its handler: a message
        handler receives its message; a step receives the messages it reads
        that name it as their receiver; every message sent goes to its
        receiver, or, naming none, to every node that takes its type on a
        network that keeps what is received (a set), else to whichever one of
        them takes it (`Sent.or_to`)."""
        if type(action) in (Heal, Split):
            return [Note("network", "the partition heals" if type(action) is Heal
                         else "the partition starts again")]
        if type(action) in self.network.fault_actions:
            return [Note("network", f"{type(action).__name__.lower()} {action.message!r}")]
        for _, node, _, _, step_action, kind, _ in self._restartable:
            if action == step_action and type(action) is type(step_action):
                return [Note(node.name, {"crash": "crashes", "restart": "restarts",
                                         "crash-restart": "crashes and restarts"}[kind])]
        if self.clock is not None and type(action) in self.clock.actions:
            # the readings after the step (the chart's row already names the action)
            readings = self.clock.view(next_state[-2])
            return [Note("clock", ", ".join(f"{name} {value}" for name, value in readings.items()))]
        for r, role in enumerate(self._roles):
            for name, handler in role.handlers().items():
                # a whole-message action (Receive(m)) may serve several
                # message types: the handler is the one that takes m's
                if handler.action is type(action) and (
                        not handler.whole or handler.takes is type(action[0])):
                    node = (next(n for n in self._nodes[r] if delivered(action[0], n))
                            if handler.whole else self._nodes[r][action[0]])
                    break
            else:
                continue
            break
        else:
            return []
        slot = self._slot.get((r, node.id))
        record = state[slot] if slot is not None else None
        events: list = []
        network, read = self.network, []
        for kind in handler.reads:
            c = network.where(self._kind_index[kind])
            read.append(network.select(network.for_node(c, state[-1][c], node), kind))
        read = tuple(read)
        message = None
        if handler.takes is not None:
            n = 1 + handler.message_fields  # the message's fields, then any choice
            message = action[0] if handler.whole else handler.takes(*action[1:n])
            inputs: tuple = (message,) + (tuple(action[n:]) if handler.choose is not None
                                          else ()) + read
            events.append(Received(self._sender(message), node.name, label(message)))
        else:
            inputs = tuple(action[1:]) + read
        for messages in read:  # those read that name it as their receiver
            events += [Received(self._sender(m), node.name, label(m))
                       for m in sorted(messages)
                       if (type(m), m) != (type(message), message) and receiver(m) is not None and delivered(m, node)]
        now = self._reading(state[-2], node) if self.clock is not None else None
        seen = (self._read_globals(handler.reads_globals, state[self._globals_at])
                if handler.reads_globals else None)
        outcome = self._outcome(node, name, record, inputs, now, seen)
        for _, message in outcome[1] if outcome else ():
            receivers = self._receivers(message)
            if self.network.keeps_received or len(receivers) == 1:
                events += [Sent(node.name, dst, label(message)) for dst in receivers]
            else:  # no receiver named, and a receipt takes it: for one of them
                events.append(Sent(node.name, receivers[0], label(message),
                                   tuple(receivers[1:])))
        return events or [Note(node.name, "")]  # a step on its own, at its node

    def _sender(self, message: Any) -> str | None:
        """Who sent `message`, None if it does not say (no ``src`` field)."""
        field = end_field(type(message), "src")
        return self._node_name(type(message), field, message) or field

    def _receivers(self, message: Any) -> list[str]:
        field = end_field(type(message), "dst")
        if field is not None:
            return [self._node_name(type(message), field, message) or field]
        return [node.name for r, role in enumerate(self._roles)
                if any(h.takes is type(message) for h in role.handlers().values())
                for node in self._nodes[r]] or ["network"]

    @staticmethod
    def _node_name(kind: type, field: str | None, message: Any) -> str | None:
        from models.kit.records import id_type
        if field is None or field not in kind._fields:
            return None
        ids = id_type(kind, field)
        return f"{ids.prefix}{getattr(message, field) + ids.first}" if ids else str(
            getattr(message, field))
