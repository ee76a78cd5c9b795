"""Workers reporting to a sink over FIFO links cut by a partition.

Two workers each send a sink numbered reports, ``reports`` of them, over
FIFO links (`Fifo`), or into the sink's one inbox (`Inbox`, a spec's
``network: inbox``); the network may drop ``drops`` of them (the oldest
of a queue). The link between w0 and the sink goes down (at the start,
or by a `Split`) and comes back (`Heal`): a report sent while it is down
is lost, one queued before stays and is received in order. The sink
counts the reports it receives and remembers each worker's last.
`Reports.tla` next to this file is the same program for TLC (its
constants choose the partition's schedule and the network).
"""

from typing import NamedTuple

from checker import Fails, Param, invariant
from models.kit import ActorModel, Fifo, Node, Partition, ids, on, step

Worker = ids("workers", "w")
Sink = ids("sinks", "s")


class WorkerState(NamedTuple):
    sent: int = 0                   # reports sent, numbered from 1


class SinkState(NamedTuple):
    got: int = 0                    # reports received, both workers together
    last: tuple = (0, 0)            # per worker, the number of its last report received
    disorder: bool = False          # a report received after a later one of its worker


class Report(NamedTuple):
    frm: Worker
    to: Sink
    seq: int
    src, dst = "frm", "to"


class SendReport(NamedTuple):
    worker: Worker


class ReceiveReport(NamedTuple):
    m: Report


class WorkerNode(Node):
    ids = Worker
    state = WorkerState

    @step(SendReport)
    def send_report(self, s):
        """Send the sink the next report, while any is left."""
        if s.sent == self.model.reports:
            return None
        return s._replace(sent=s.sent + 1), [Report(self.id, 0, s.sent + 1)]


class SinkNode(Node):
    ids = Sink
    state = SinkState

    @on(Report, ReceiveReport)
    def receive_report(self, s, m):
        """Count a report; out of order if its worker's last was not older."""
        last = list(s.last)
        disorder = s.disorder or m.seq <= last[m.frm]
        last[m.frm] = m.seq
        return s._replace(got=s.got + 1, last=tuple(last), disorder=disorder), []


class Reports(ActorModel):
    name = "fifo-reports"
    params = (Param("workers", 2, "workers"), Param("sinks", 1, "sinks"),
              Param("reports", 2, "reports each worker sends"),
              Param("drops", 1, "reports the network may lose"))
    roles = (WorkerNode, SinkNode)
    messages = (Report,)
    network = Fifo(drop="drops", partition="cut")
    network_choices = ("fifo", "inbox")
    # w0 cut off from the sink, not from the start, going down once
    cut = Partition.between([[("workers", 0)], [("sinks", 0)]], from_start=False, splits=1)
    partitions = True

    @invariant("Reports in order")
    def in_order(self, state):
        (sink,) = self.records(state, SinkNode)
        return not sink.disorder or Fails(f"the sink got reports out of order: {sink.last}")

    @invariant("No report lost")
    def no_report_lost(self, state):
        sent = sum(record.sent for record in self.records(state, WorkerNode))
        (sink,) = self.records(state, SinkNode)
        queued = len(self.sent(state, Report))
        return sent == sink.got + queued or Fails(f"reports lost: {sent - sink.got - queued}")
