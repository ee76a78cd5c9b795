"""The fixed benchmark specs: the quick set runs by default, the full set
adds the runs that take minutes."""

QUICK = (
    "specs/paxos-3a-2v-2b.yaml",
    "specs/paxos-3a-2v-3b.yaml",
    "specs/paxos-3a-2v-3b-symmetry.yaml",
    "specs/raft-2s.yaml",
    "specs/paxos-textbook.yaml",
)

FULL = QUICK + (
    "specs/large/raft-3s.yaml",
    "specs/large/paxos-5a-2v-2b.yaml",
)
