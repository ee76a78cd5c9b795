"""The fixed benchmark specs: the quick set runs by default, the full set
adds the runs that take minutes."""

QUICK = (
)

FULL = QUICK + (
)
