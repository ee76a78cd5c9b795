"""raft-kv: a key-value store replicated by Raft, and whether its reads are linearizable.

etcd serves linearizable reads through the leader and serializable reads
from any member; how each read path answers decides whether the history the
clients see is linearizable (Herlihy & Wing), and under which assumption.
The model is `models.raft`'s servers (raft.tla's handlers, by subclassing)
with a store applied from the log and clients that record a history:

- **Servers** (``s1..sN``): raft.tla's actions, plus: a write is a log entry
  the leader appends, answered by that server when it applies it; a server
  applies its log up to its commit index as soon as it learns it; a new
  leader appends a no-op entry (etcd, and the Raft dissertation, section
  6.4). Reads by ``read_path``:

  - ``read_index`` (etcd's linearizable read, the dissertation's 6.4): a
    leader that has committed an entry of its term records its commit
    index, sends a heartbeat to every other server and answers, from its
    applied state, once a quorum (itself included) has answered in its term
    (the state it answers from has applied at least the recorded index);
  - ``log_read``: the read is a log entry, answered when applied;
  - ``serializable`` (etcd's ``--consistency=s``): any server answers at
    once from its own applied state;
  - ``lease_read`` (etcd's lease-based read) and ``leaseholder``
    (CockroachDB's range lease) run on the kit's clock (`RaftKVTimed`):
    elections start when a server's election timer fires; with
    ``lease_read`` a server ignores vote requests while it has heard from
    its leader within the election timeout (etcd's CheckQuorum) and the
    leader answers while its clock is short of its lease; with
    ``leaseholder`` the lease's holder answers until the expiration less
    ``max_offset`` by its clock, and another leader accepts writes only once
    its clock reads the expiration. The lease is granted at time 0; a
    ``lease_read`` leader renews it only within ``renewals`` heartbeat
    rounds (each heartbeat sent on its own step, as raft.tla sends
    AppendEntries), and a leaseholder's is never renewed.

- **Clients** (``c1..cK``): each invokes up to ``ops`` operations, one at
  a time, a write of a value 1..values or a read, sending it to a server of
  its choice, and records the invocation and the response in the history
  (`checker.history`). A server that cannot serve a request (a follower
  asked to write) drops it and its call stays pending: linearizability
  allows a pending call to have taken effect or not.

The property is `Linearizability` of the history with respect to a
sequential key-value store (``x`` and ``y``, initially 0).

Deliberate differences from raft.tla and etcd, to keep the runs small:

- Every run starts with s1 leading term 1, its no-op entry committed and
  applied everywhere (the election is the raft model's business); leader
  changes happen within ``max_term``.
- No Restart (a restarted server's volatile store would only re-apply its
  log) and no ClientRequest (entries come from clients' calls); the network
  is a bag that may lose ``drops`` messages and holds ``max_msgs`` at most
  (a send that would exceed it waits); no duplication. A spec may add a
  partition (``partition: {groups: [[s1, c2], [s2, s3, c1]]}``, the kit's:
  servers and clients by name), whose links lose what is sent over them
  until it heals.
- A leader answers a write when it applies it; a client whose server was
  deposed before committing its entry never hears back (etcd's client times
  out): that call stays pending.
- A heartbeat for read_index is a message of its own (etcd's MsgHeartbeat
  with the read's context), not an AppendEntries.
- A leader sends AppendEntries to a follower only when the follower may
  lack an entry and no earlier one to it is unanswered (etcd's flow
  control), not at any time as raft.tla does: so followers learn the last
  commit index only with a later entry, and a lost AppendEntries is not
  sent again.
- ``timeouts`` may restrict which servers start elections, and
  ``workload`` fix each client's calls (and where they go), to keep the
  runs with a leader change small.

`docs/reads.md` explains each path's assumption from the checker's output.
"""

from models.raft_kv.leases import RaftKVTimed, TimedKvServer
from models.raft_kv.model import (ClientsNode, KvServer, RaftKV, RaftKVSkippingConfirmation,
                                  RaftKVTrustingCommitIndex, ServerSkippingConfirmation,
                                  ServerTrustingItsCommitIndex)
from models.raft_kv.records import (Call, ClientsState, Get, Heartbeat, HeartbeatResponse,
                                    Invoke, KvServerState, PendingRead, Put, Reply, Request)

__all__ = ["Call", "ClientsNode", "ClientsState", "Get", "Heartbeat", "HeartbeatResponse",
           "Invoke", "KvServer", "KvServerState", "PendingRead", "Put", "RaftKV",
           "RaftKVSkippingConfirmation", "RaftKVTimed", "RaftKVTrustingCommitIndex", "Reply",
           "Request", "ServerSkippingConfirmation", "ServerTrustingItsCommitIndex",
           "TimedKvServer"]
