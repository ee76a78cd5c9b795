---------------------------- MODULE Fencing ----------------------------
(* fencing.py for TLC: clients ask a lock service for a fencing token, the  *)
(* service hands them out from a global counter, the storage accepts a      *)
(* write only with a token above the highest it accepted. The bag holds     *)
(* each message with its count (0: none), and may lose and copy one each.   *)
EXTENDS Naturals

CONSTANT NoOne               \* a model value: the writer before any write

Clients == 0..1
MaxToken == 3                \* each client asks once, one request copied
Tokens == 1..MaxToken

Msgs == [type: {"Acquire"}, client: Clients]
        \cup [type: {"Grant"}, client: Clients, token: Tokens]
        \cup [type: {"Write"}, client: Clients, token: Tokens]

VARIABLES pc, token, issued, stored, writer, net, drops, dups
vars == <<pc, token, issued, stored, writer, net, drops, dups>>

Init == /\ pc = [c \in Clients |-> "idle"]
        /\ token = [c \in Clients |-> 0]
        /\ issued = 0 /\ stored = 0 /\ writer = NoOne
        /\ net = [m \in Msgs |-> 0]
        /\ drops = 1 /\ dups = 1

Send(n, m) == [n EXCEPT ![m] = @ + 1]
Take(n, m) == [n EXCEPT ![m] = @ - 1]

Ask(c) == /\ pc[c] = "idle"
          /\ pc' = [pc EXCEPT ![c] = "asked"]
          /\ net' = Send(net, [type |-> "Acquire", client |-> c])
          /\ UNCHANGED <<token, issued, stored, writer, drops, dups>>

Put(c) == /\ pc[c] = "holding"
          /\ pc' = [pc EXCEPT ![c] = "wrote"]
          /\ net' = Send(net, [type |-> "Write", client |-> c, token |-> token[c]])
          /\ UNCHANGED <<token, issued, stored, writer, drops, dups>>

ReceiveGrant(m) == /\ m.type = "Grant" /\ net[m] > 0
                   /\ pc[m.client] = "asked"
                   /\ pc' = [pc EXCEPT ![m.client] = "holding"]
                   /\ token' = [token EXCEPT ![m.client] = m.token]
                   /\ net' = Take(net, m)
                   /\ UNCHANGED <<issued, stored, writer, drops, dups>>

\* the service, with no record: the next token, a global read and written
ReceiveAcquire(m) == /\ m.type = "Acquire" /\ net[m] > 0
                     /\ issued' = issued + 1
                     /\ net' = Send(Take(net, m),
                                    [type |-> "Grant", client |-> m.client, token |-> issued + 1])
                     /\ UNCHANGED <<pc, token, stored, writer, drops, dups>>

\* the storage, with no record: a write with an older token is taken, not kept
ReceiveWrite(m) == /\ m.type = "Write" /\ net[m] > 0
                   /\ net' = Take(net, m)
                   /\ IF m.token > stored
                        THEN stored' = m.token /\ writer' = m.client
                        ELSE UNCHANGED <<stored, writer>>
                   /\ UNCHANGED <<pc, token, issued, drops, dups>>

Duplicate(m) == /\ dups > 0 /\ net[m] > 0
                /\ net' = Send(net, m) /\ dups' = dups - 1
                /\ UNCHANGED <<pc, token, issued, stored, writer, drops>>

Drop(m) == /\ drops > 0 /\ net[m] > 0
           /\ net' = Take(net, m) /\ drops' = drops - 1
           /\ UNCHANGED <<pc, token, issued, stored, writer, dups>>

Next == \/ \E c \in Clients : Ask(c) \/ Put(c)
        \/ \E m \in Msgs : ReceiveGrant(m) \/ ReceiveAcquire(m) \/ ReceiveWrite(m)
                           \/ Duplicate(m) \/ Drop(m)

Spec == Init /\ [][Next]_vars

StoredIssued == stored <= issued
WriterLatest == writer = NoOne \/ stored = issued
=============================================================================
