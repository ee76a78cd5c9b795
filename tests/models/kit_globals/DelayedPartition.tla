------------------------ MODULE DelayedPartition ------------------------
(* delayed_partition.py for TLC: two peers ping each other on a timer,    *)
(* twice each, a tick apart; a ping must arrive within Latency ticks. The *)
(* link goes down once (Split) and comes back (Heal); a ping sent while   *)
(* it is down is lost. The network counts each (ping, ticks left) copy.    *)
EXTENDS Naturals

CONSTANT None                 \* a model value: a timer not set

Peers == 0..1
Horizon == 3
Latency == 1
Pings == [frm: Peers, to: Peers]
Entries == Pings \X (0..Latency)

VARIABLES sent, got, pingAt, arrived, net, now, down, splits
vars == <<sent, got, pingAt, arrived, net, now, down, splits>>

Init == /\ sent = [n \in Peers |-> 0] /\ got = [n \in Peers |-> 0]
        /\ pingAt = [n \in Peers |-> 0] /\ arrived = 0
        /\ net = [e \in Entries |-> 0] /\ now = 0
        /\ down = FALSE /\ splits = 1

Due(n) == pingAt[n] # None /\ now >= pingAt[n]

SendPing(n) ==
    /\ Due(n)
    /\ sent' = [sent EXCEPT ![n] = @ + 1]
    /\ pingAt' = [pingAt EXCEPT ![n] = IF sent[n] + 1 < 2 THEN now + 1 ELSE None]
    /\ net' = IF down THEN net   \* lost across the partition
              ELSE [net EXCEPT ![<<[frm |-> n, to |-> 1 - n], Latency>>] = @ + 1]
    /\ UNCHANGED <<got, arrived, now, down, splits>>

\* the copy with the fewest ticks left
ReceivePing(m) ==
    /\ \E l \in 0..Latency : net[<<m, l>>] > 0
    /\ LET l == CHOOSE l \in 0..Latency : net[<<m, l>>] > 0
                                         /\ \A k \in 0..(l - 1) : net[<<m, k>>] = 0
       IN net' = [net EXCEPT ![<<m, l>>] = @ - 1]
    /\ got' = [got EXCEPT ![m.to] = @ + 1]
    /\ arrived' = arrived + 1
    /\ UNCHANGED <<sent, pingAt, now, down, splits>>

Heal == down /\ down' = FALSE /\ UNCHANGED <<sent, got, pingAt, arrived, net, now, splits>>
Split == ~down /\ splits > 0 /\ down' = TRUE /\ splits' = splits - 1
         /\ UNCHANGED <<sent, got, pingAt, arrived, net, now>>

\* time waits for a due timer and a due ping
Tick == /\ now < Horizon
        /\ ~\E n \in Peers : Due(n)
        /\ ~\E m \in Pings : net[<<m, 0>>] > 0
        /\ now' = now + 1
        /\ net' = [e \in Entries |-> IF e[2] = Latency THEN 0 ELSE net[<<e[1], e[2] + 1>>]]
        /\ UNCHANGED <<sent, got, pingAt, arrived, down, splits>>

Next == \/ \E n \in Peers : SendPing(n)
        \/ \E m \in Pings : ReceivePing(m)
        \/ Heal \/ Split \/ Tick

Spec == Init /\ [][Next]_vars

Flying == LET F[S \in SUBSET Entries] ==
                  IF S = {} THEN 0
                  ELSE LET e == CHOOSE e \in S : TRUE IN net[e] + F[S \ {e}]
          IN F[Entries]
Counted == got[0] + got[1] = arrived
NoPingLost == sent[0] + sent[1] = got[0] + got[1] + Flying
=============================================================================
