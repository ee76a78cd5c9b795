------------------------------- MODULE Reports -------------------------------
(* reports.py for TLC: two workers each send a sink Reports numbered       *)
(* reports, over FIFO links (one queue per worker) or into the sink's one  *)
(* inbox (Inbox: one queue, key 0, for both); the network drops the oldest *)
(* of a queue, Drops times in all. The link between worker 0 and the sink  *)
(* is down at the start or not (FromStart), comes back (Heal, unless       *)
(* ~Heals) and goes down again Splits times; a report sent while it is     *)
(* down is lost, those queued stay.                                        *)
EXTENDS Naturals, Sequences

CONSTANTS Reports, Drops, FromStart, Splits, Heals, Inbox

Workers == 0..1
Key(w) == IF Inbox THEN 0 ELSE w          \* the queue a worker's reports join

VARIABLES sent, got, last, disorder, q, drops, down, splits
vars == <<sent, got, last, disorder, q, drops, down, splits>>

Init == /\ sent = [w \in Workers |-> 0] /\ got = 0
        /\ last = [w \in Workers |-> 0] /\ disorder = FALSE
        /\ q = [k \in Workers |-> <<>>] /\ drops = Drops
        /\ down = FromStart /\ splits = Splits

Lost(w) == down /\ w = 0                  \* across the partition

SendReport(w) ==
    /\ sent[w] < Reports
    /\ sent' = [sent EXCEPT ![w] = @ + 1]
    /\ q' = IF Lost(w) THEN q
            ELSE [q EXCEPT ![Key(w)] = Append(@, [frm |-> w, seq |-> sent[w] + 1])]
    /\ UNCHANGED <<got, last, disorder, drops, down, splits>>

ReceiveReport(k) ==
    /\ q[k] # <<>>
    /\ LET m == Head(q[k]) IN
         /\ got' = got + 1
         /\ disorder' = (disorder \/ m.seq <= last[m.frm])
         /\ last' = [last EXCEPT ![m.frm] = m.seq]
    /\ q' = [q EXCEPT ![k] = Tail(@)]
    /\ UNCHANGED <<sent, drops, down, splits>>

Drop(k) == /\ drops > 0 /\ q[k] # <<>>
           /\ q' = [q EXCEPT ![k] = Tail(@)] /\ drops' = drops - 1
           /\ UNCHANGED <<sent, got, last, disorder, down, splits>>

Heal == Heals /\ down /\ down' = FALSE
        /\ UNCHANGED <<sent, got, last, disorder, q, drops, splits>>
Split == ~down /\ splits > 0 /\ down' = TRUE /\ splits' = splits - 1
         /\ UNCHANGED <<sent, got, last, disorder, q, drops>>

Next == \/ \E w \in Workers : SendReport(w)
        \/ \E k \in Workers : ReceiveReport(k) \/ Drop(k)
        \/ Heal \/ Split

Spec == Init /\ [][Next]_vars

InOrder == ~disorder
NoReportLost == sent[0] + sent[1] = got + Len(q[0]) + Len(q[1])
=============================================================================
