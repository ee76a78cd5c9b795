"""A network as raft.tla's family writes it: a function from message to
delivery count whose domain never shrinks.

raft.tla keeps ``messages`` as a bag written without the Bags module (TLAPS
does not support it): a function from message to a count. Its heirs by Jack
Vanlightly (KRaft.tla, VSR.tla, kafka_replication_v3_5_simple.tla) keep
it so and lean on one detail: receiving a message lowers its count, to 0 at
the last copy, and the message *stays in the domain*. Their send-once
guards read ``m \\notin DOMAIN messages`` (KRaft's _SendOnce and
SendMultipleOnce, VSR's SendOnce, KRaft's Reply for a FetchResponse) and
VSR's UniqueNumber reads every message ever sent, so the domain is part of
the state: two states whose counts agree but whose histories differ are two
states, for TLC as here. The kit's `Bag` forgets a message at count 0 and
its `MessageSet` never lowers a count: neither is this network.

`counts(Message, order=...)` makes the type of such a function over
messages of type ``Message`` (a record type or a union of them), and a state
field typed with it is a `Counts`:

    Messages = counts(RequestVoteRequest | RequestVoteResponse, order=repr)

    class State(NamedTuple):
        messages: Messages
        ...

    State(messages=Messages(), ...)                    # messages = << >>
    s.messages.send(m)                                 # Send(m), SendFunc(m, msgs, 1)
    s.messages.send_once(m)                            # _SendOnce(m), SendOnce(m): None if sent before
    s.messages.reply(response, request)                # Reply(response, request)
    for m in s.messages.receivable(): ...              # messages[m] > 0, in order

A `Counts` is an immutable, hashable mapping (``m in s.messages`` is ``m \\in
DOMAIN messages``, ``s.messages[m]`` is ``messages[m]``); equal contents are
equal and hash alike whatever order they were built in, count-0 entries
included. Iteration (over the domain, `items`, `receivable`) follows
`order`, a key function of one message, given with the type: successors
come out in that order, so a counterexample found first depends on it (a
port keeps the order its TLC-compared traces were found in; the default,
`checker.symmetry.order_key`, orders numbers as numbers). The key must tell
distinct messages apart (refused, in one line, when two share one), and
messages of two record types must not be equal as tuples (give each type a
tag field, as the specs' ``mtype``): a `Counts` is keyed by equality.

Symmetry: `models.kit.Symmetric` and the kit's `renamer` rename a `Counts`
field by renaming each message by its type, keeping its count, and
re-sorting; signatures see each message with its count. An untyped
``counts(Any)`` is refused there as ``Any`` is.

Reports: the default state view shows a `Counts` as a mapping from each
message to its count, which the text report compares key by key
(``messages[m]: 1 → 0``, ``messages: + m: 1``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from operator import itemgetter
from typing import Any, Callable, ClassVar

from checker.errors import shortened
from checker.symmetry import order_key
from models.kit.memo import Memo

_NOTHING = object()  # no message discarded


class Counts(Mapping):
    """``messages``: each message ever sent and its delivery count, in the
    type's order. Made by `counts`; every operation returns a new one."""

    # the (message, count) pairs in order, their hash, and, computed when
    # first needed, each message's position (shared by the Counts an update
    # of counts makes: the domain is the same) and the receivable messages
    __slots__ = ("_pairs", "_hash", "_positions", "_receivable")

    #: the messages' type (a record type, or a union of them)
    message_type: ClassVar[Any] = Any
    #: the key of a message in the order of iteration
    order: ClassVar[Callable[[Any], Any]] = staticmethod(order_key)
    #: remembered keys, one table per type
    _keys: ClassVar[Memo] = Memo(order_key)

    def __init__(self, counts: Mapping | Iterable[tuple[Any, int]] = ()):
        pairs = dict(counts)
        for message, count in pairs.items():
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise ValueError(f"{type(self).__name__}: the count of {shortened(message)} "
                                 f"is {count!r}; a delivery count is an int of 0 or more")
        keys = self._keys
        ordered = sorted(pairs.items(), key=lambda pair: keys[pair[0]])
        for (a, _), (b, _) in zip(ordered, ordered[1:]):
            if keys[a] == keys[b]:
                raise _tie(type(self), a, b)
        self._set(tuple(ordered), None)

    def _set(self, pairs: tuple, positions: dict | None) -> None:
        self._pairs = pairs
        self._hash = hash(pairs)
        self._positions = positions
        self._receivable = None

    def _new(self, pairs: tuple, positions: dict | None) -> Counts:
        made = object.__new__(type(self))
        made._set(pairs, positions)
        return made

    def _index(self) -> dict:
        """Each message's position in the pairs."""
        positions = self._positions
        if positions is None:
            positions = self._positions = dict(zip(map(itemgetter(0), self._pairs),
                                                   range(len(self._pairs))))
        return positions

    # -- a mapping: DOMAIN messages and messages[m] -------------------------------------

    def __getitem__(self, message: Any) -> int:
        return self._pairs[self._index()[message]][1]

    def __contains__(self, message: Any) -> bool:
        return message in self._index()

    def __iter__(self) -> Iterator:
        return map(itemgetter(0), self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def items(self) -> tuple[tuple[Any, int], ...]:
        """The (message, count) pairs, in order."""
        return self._pairs

    def __eq__(self, other: Any) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._hash == other._hash and self._pairs == other._pairs

    def __ne__(self, other: Any) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"{type(self).__name__}({{{', '.join(f'{m!r}: {c}' for m, c in self._pairs)}}})"

    def __reduce__(self) -> tuple:
        return _rebuilt, (type(self).message_type, type(self).order, self._pairs)

    # -- the operators of the specs ------------------------------------------------------

    def receivable(self) -> tuple:
        """The messages m with ``messages[m] > 0`` (ReceivableMessage,
        ReceivableMsg, but for the type and receiver the model tests), in
        order."""
        found = self._receivable
        if found is None:
            found = self._receivable = tuple(m for m, count in self._pairs if count)
        return found

    def send(self, message: Any) -> Counts:
        """Send(m) (_SendNoRestriction, SendFunc(m, msgs, 1)): one more copy
        of m, 1 if it was never sent."""
        return self._changed((message,))

    def send_once(self, message: Any) -> Counts | None:
        """_SendOnce(m), SendOnce(m): m with count 1 if it was never sent
        (``m \\notin DOMAIN messages``), else not enabled (None)."""
        return None if message in self._index() else self._changed((message,))

    def send_all(self, messages: Iterable) -> Counts:
        """BroadcastFunc, SendAllFunc: one more copy of each of the set
        `messages` (a message given twice counts once, as in a set)."""
        return self._changed(dict.fromkeys(messages))

    def send_all_once(self, messages: Iterable) -> Counts | None:
        """SendMultipleOnce(msgs): each of `messages` with count 1 if none was
        ever sent, else not enabled (None)."""
        messages = dict.fromkeys(messages)
        positions = self._index()
        if any(message in positions for message in messages):
            return None
        return self._changed(messages)

    def discard(self, message: Any) -> Counts:
        """Discard(m), DiscardFunc(m, msgs): one copy fewer; m stays in the
        domain, at 0 after its last copy. Discarding a message with no copy
        left (``messages[m] > 0`` false) is the model's error: receive only
        what `receivable` gives."""
        return self._changed((), message)

    def reply(self, response: Any, request: Any) -> Counts:
        """Reply(response, request) (raft.tla's and KRaft's argument order;
        Kafka's Reply(d, m), VSR's DiscardAndSend(d, s)): the request
        discarded, then the response sent."""
        return self._changed((response,), request)

    def drop_all(self, where: Callable[[Any], bool]) -> Counts:
        """Every message for which `where` holds at count 0, in the domain
        still (Kafka's DropFetchSessions: ``[m \\in DOMAIN messages |-> IF
        ... THEN 0 ELSE messages[m]]``)."""
        return self._new(tuple((m, 0) if count and where(m) else (m, count)
                               for m, count in self._pairs), self._positions)

    def _changed(self, sent: Iterable, discarded: Any = _NOTHING) -> Counts:
        """One copy fewer of `discarded` (unless none is given), then one
        more of each of `sent` (distinct messages), new ones put in order."""
        positions = self._index()
        pairs = list(self._pairs)
        if discarded is not _NOTHING:
            at = positions.get(discarded)
            if at is None or not pairs[at][1]:
                state = "was never sent" if at is None else "has count 0"
                raise ValueError(f"discard({shortened(discarded)}): the message {state}; "
                                 f"receive or discard only a message of receivable()")
            pairs[at] = (discarded, pairs[at][1] - 1)
        new = []
        for message in sent:
            at = positions.get(message)
            if at is None:
                new.append(message)
            else:
                pairs[at] = (message, pairs[at][1] + 1)
        if not new:
            return self._new(tuple(pairs), positions)
        keys = self._keys
        for message in new:
            key = keys[message]
            at = bisect_right(pairs, key, key=lambda pair: keys[pair[0]])
            if at and keys[pairs[at - 1][0]] == key:
                raise _tie(type(self), pairs[at - 1][0], message)
            pairs.insert(at, (message, 1))
        return self._new(tuple(pairs), None)


def _tie(kind: type, a: Any, b: Any) -> ValueError:
    return ValueError(f"{kind.__name__}: its order gives {shortened(a)} and {shortened(b)} "
                      f"the same key; give counts() an order that tells messages apart "
                      f"(repr does)")


def counts(message_type: Any, order: Callable[[Any], Any] = order_key) -> type[Counts]:
    """The type of a message-count function over messages of `message_type`,
    iterated in the order of the key `order` (see the module docstring).
    The same arguments give the same type."""
    return _made(message_type, order)


@lru_cache(maxsize=None)
def _made(message_type: Any, order: Callable[[Any], Any]) -> type[Counts]:
    name = getattr(message_type, "__name__", None) or str(message_type).replace(
        f"{__name__}.", "")
    return type(f"Counts[{name}]", (Counts,), {
        "__slots__": (), "__module__": __name__, "message_type": message_type,
        "order": staticmethod(order), "_keys": Memo(order)})


def _rebuilt(message_type: Any, order: Callable[[Any], Any], pairs: tuple) -> Counts:
    """A pickled `Counts` back (its type made again by `counts`)."""
    made = object.__new__(counts(message_type, order))
    made._set(pairs, None)
    return made
