"""The fixed benchmark specs: the quick set runs by default, the full set
adds the runs that take minutes."""

QUICK = (
    "specs/paxos-3a-2v-2b.yaml",
    "specs/paxos-3a-2v-3b.yaml",
)

FULL = QUICK + (
    "specs/large/paxos-5a-2v-2b.yaml",
)
