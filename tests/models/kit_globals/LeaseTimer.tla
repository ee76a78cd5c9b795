--------------------------- MODULE LeaseTimer ---------------------------
(* lease_timer.py for TLC: each node's election timer fires at its deadline *)
(* (time waits for a due timer of a node that is up); a follower takes a    *)
(* free lease (the global holder) for two ticks in a new term, or looks     *)
(* again in one; a leader's lease ends. A crash frees the lease of a        *)
(* crashing holder; a restart brings the node back as it was kept.          *)
EXTENDS Naturals

CONSTANT None                 \* a model value: no holder, no deadline

Servers == 0..1
Horizon == 3

VARIABLES role, timeout, up, holder, term, now, crashes, restarts
vars == <<role, timeout, up, holder, term, now, crashes, restarts>>

Init == /\ role = [n \in Servers |-> "follower"]
        /\ timeout = [n \in Servers |-> 1]
        /\ up = [n \in Servers |-> TRUE]
        /\ holder = None /\ term = 0 /\ now = 0
        /\ crashes = 1 /\ restarts = 1

Due(n) == up[n] /\ timeout[n] # None /\ now >= timeout[n]

Campaign(n) ==
    /\ Due(n)
    /\ IF role[n] = "leader"
         THEN /\ role' = [role EXCEPT ![n] = "follower"]
              /\ timeout' = [timeout EXCEPT ![n] = now + 1]
              /\ holder' = None /\ UNCHANGED term
         ELSE IF holder # None
                THEN /\ timeout' = [timeout EXCEPT ![n] = now + 1]
                     /\ UNCHANGED <<role, holder, term>>
                ELSE /\ role' = [role EXCEPT ![n] = "leader"]
                     /\ timeout' = [timeout EXCEPT ![n] = now + 2]
                     /\ holder' = n /\ term' = term + 1
    /\ UNCHANGED <<up, now, crashes, restarts>>

Crash(n) == /\ up[n] /\ crashes > 0
            /\ up' = [up EXCEPT ![n] = FALSE] /\ crashes' = crashes - 1
            /\ role' = [role EXCEPT ![n] = "follower"]
            /\ holder' = IF holder = n THEN None ELSE holder
            /\ UNCHANGED <<timeout, term, now, restarts>>

Restart(n) == /\ ~up[n] /\ restarts > 0
              /\ up' = [up EXCEPT ![n] = TRUE] /\ restarts' = restarts - 1
              /\ UNCHANGED <<role, timeout, holder, term, now, crashes>>

Tick == /\ now < Horizon /\ ~\E n \in Servers : Due(n)
        /\ now' = now + 1
        /\ UNCHANGED <<role, timeout, up, holder, term, crashes, restarts>>

Next == (\E n \in Servers : Campaign(n) \/ Crash(n) \/ Restart(n)) \/ Tick

Spec == Init /\ [][Next]_vars

HolderLeads == holder = None \/ (up[holder] /\ role[holder] = "leader")
OneElection == term <= 1
=============================================================================
