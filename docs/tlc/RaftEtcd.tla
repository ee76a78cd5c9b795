------------------------------- MODULE RaftEtcd -------------------------------
\* raft.tla (ongardie 6ecbdbc: the bag a real multiset, no history variables) with
\* etcd's PreVote and CheckQuorum (its lease, inLease, too), as models/raft states
\* them; PreVote, CheckQuorum and Faults (Restart, DropMessage, DuplicateMessage)
\* are switches. docs/tlc.md says how it is run and what it gave.
EXTENDS Naturals, FiniteSets, Sequences, TLC, Bags
CONSTANTS Server, Value, Follower, Candidate, Leader, PreCandidate, Nil
CONSTANTS RequestVoteRequest, RequestVoteResponse, AppendEntriesRequest, AppendEntriesResponse
CONSTANTS PreVote, CheckQuorum, Faults, MaxTerm, MaxLog, MaxMsgs
VARIABLES messages, currentTerm, state, votedFor, log, commitIndex,
          votesResponded, votesGranted, nextIndex, matchIndex, recentActive, inLease
serverVars == <<currentTerm, state, votedFor>>
logVars == <<log, commitIndex>>
candidateVars == <<votesResponded, votesGranted>>
leaderVars == <<nextIndex, matchIndex>>
etcdVars == <<recentActive, inLease>>
vars == <<messages, serverVars, candidateVars, leaderVars, logVars, etcdVars>>

Quorum == {i \in SUBSET(Server) : Cardinality(i) * 2 > Cardinality(Server)}
LastTerm(xlog) == IF Len(xlog) = 0 THEN 0 ELSE xlog[Len(xlog)].term
WithMessage(m, msgs) == IF m \in DOMAIN msgs THEN [msgs EXCEPT ![m] = msgs[m] + 1]
                        ELSE msgs @@ (m :> 1)
WithoutMessage(m, msgs) ==
    IF m \in DOMAIN msgs THEN
        IF msgs[m] <= 1 THEN [i \in DOMAIN msgs \ {m} |-> msgs[i]]
        ELSE [msgs EXCEPT ![m] = msgs[m] - 1]
    ELSE msgs
Send(m) == messages' = WithMessage(m, messages)
Discard(m) == messages' = WithoutMessage(m, messages)
Reply(response, request) == messages' = WithoutMessage(request, WithMessage(response, messages))
Min(s) == CHOOSE x \in s : \A y \in s : x <= y
Max(s) == CHOOSE x \in s : \A y \in s : x >= y

InLease(i) == CheckQuorum /\ (state[i] = Leader \/ inLease[i])

Init == /\ messages = [m \in {} |-> 0]
        /\ currentTerm = [i \in Server |-> 1]
        /\ state = [i \in Server |-> Follower]
        /\ votedFor = [i \in Server |-> Nil]
        /\ votesResponded = [i \in Server |-> {}]
        /\ votesGranted = [i \in Server |-> {}]
        /\ nextIndex = [i \in Server |-> [j \in Server |-> 1]]
        /\ matchIndex = [i \in Server |-> [j \in Server |-> 0]]
        /\ log = [i \in Server |-> << >>]
        /\ commitIndex = [i \in Server |-> 0]
        /\ recentActive = [i \in Server |-> {}]
        /\ inLease = [i \in Server |-> FALSE]

Restart(i) ==
    /\ state'          = [state EXCEPT ![i] = Follower]
    /\ votesResponded' = [votesResponded EXCEPT ![i] = {}]
    /\ votesGranted'   = [votesGranted EXCEPT ![i] = {}]
    /\ nextIndex'      = [nextIndex EXCEPT ![i] = [j \in Server |-> 1]]
    /\ matchIndex'     = [matchIndex EXCEPT ![i] = [j \in Server |-> 0]]
    /\ commitIndex'    = [commitIndex EXCEPT ![i] = 0]
    /\ recentActive'   = [recentActive EXCEPT ![i] = {}]
    /\ inLease'        = [inLease EXCEPT ![i] = FALSE]
    /\ UNCHANGED <<messages, currentTerm, votedFor, log>>

Timeout(i) ==
    /\ state[i] \in {Follower, Candidate, PreCandidate}
    /\ ~inLease[i]
    /\ IF PreVote
       THEN /\ state' = [state EXCEPT ![i] = PreCandidate]
            /\ UNCHANGED <<currentTerm, votedFor>>
       ELSE /\ state' = [state EXCEPT ![i] = Candidate]
            /\ currentTerm' = [currentTerm EXCEPT ![i] = currentTerm[i] + 1]
            /\ votedFor' = [votedFor EXCEPT ![i] = Nil]
    /\ votesResponded' = [votesResponded EXCEPT ![i] = {}]
    /\ votesGranted'   = [votesGranted EXCEPT ![i] = {}]
    /\ UNCHANGED <<messages, leaderVars, logVars, etcdVars>>

Campaign(i) ==
    /\ state[i] = PreCandidate
    /\ votesGranted[i] \in Quorum
    /\ state' = [state EXCEPT ![i] = Candidate]
    /\ currentTerm' = [currentTerm EXCEPT ![i] = currentTerm[i] + 1]
    /\ votedFor' = [votedFor EXCEPT ![i] = Nil]
    /\ votesResponded' = [votesResponded EXCEPT ![i] = {}]
    /\ votesGranted'   = [votesGranted EXCEPT ![i] = {}]
    /\ UNCHANGED <<messages, leaderVars, logVars, etcdVars>>

RequestVote(i, j) ==
    /\ state[i] \in {Candidate, PreCandidate}
    /\ j \notin votesResponded[i]
    /\ Send([mtype |-> RequestVoteRequest,
             mterm |-> currentTerm[i] + (IF state[i] = PreCandidate THEN 1 ELSE 0),
             mlastLogTerm |-> LastTerm(log[i]), mlastLogIndex |-> Len(log[i]),
             mprevote |-> state[i] = PreCandidate, msource |-> i, mdest |-> j])
    /\ UNCHANGED <<serverVars, candidateVars, leaderVars, logVars, etcdVars>>

AppendEntries(i, j) ==
    /\ i /= j
    /\ state[i] = Leader
    /\ LET prevLogIndex == nextIndex[i][j] - 1
           prevLogTerm == IF prevLogIndex > 0 THEN log[i][prevLogIndex].term ELSE 0
           lastEntry == Min({Len(log[i]), nextIndex[i][j]})
           entries == SubSeq(log[i], nextIndex[i][j], lastEntry)
       IN Send([mtype |-> AppendEntriesRequest, mterm |-> currentTerm[i],
                mprevLogIndex |-> prevLogIndex, mprevLogTerm |-> prevLogTerm,
                mentries |-> entries, mcommitIndex |-> Min({commitIndex[i], lastEntry}),
                msource |-> i, mdest |-> j])
    /\ UNCHANGED <<serverVars, candidateVars, leaderVars, logVars, etcdVars>>

BecomeLeader(i) ==
    /\ state[i] = Candidate
    /\ votesGranted[i] \in Quorum
    /\ state'      = [state EXCEPT ![i] = Leader]
    /\ nextIndex'  = [nextIndex EXCEPT ![i] = [j \in Server |-> Len(log[i]) + 1]]
    /\ matchIndex' = [matchIndex EXCEPT ![i] = [j \in Server |-> 0]]
    /\ recentActive' = [recentActive EXCEPT ![i] = {}]
    /\ UNCHANGED <<messages, currentTerm, votedFor, candidateVars, logVars, inLease>>

ClientRequest(i, v) ==
    /\ state[i] = Leader
    /\ log' = [log EXCEPT ![i] = Append(log[i], [term |-> currentTerm[i], value |-> v])]
    /\ UNCHANGED <<messages, serverVars, candidateVars, leaderVars, commitIndex, etcdVars>>

AdvanceCommitIndex(i) ==
    /\ state[i] = Leader
    /\ LET Agree(index) == {i} \cup {k \in Server : matchIndex[i][k] >= index}
           agreeIndexes == {index \in 1..Len(log[i]) : Agree(index) \in Quorum}
           newCommitIndex ==
              IF /\ agreeIndexes /= {}
                 /\ log[i][Max(agreeIndexes)].term = currentTerm[i]
              THEN Max(agreeIndexes) ELSE commitIndex[i]
       IN commitIndex' = [commitIndex EXCEPT ![i] = newCommitIndex]
    /\ UNCHANGED <<messages, serverVars, candidateVars, leaderVars, log, etcdVars>>

CheckQuorumStep(i) ==
    /\ CheckQuorum
    /\ state[i] = Leader
    /\ IF recentActive[i] \cup {i} \in Quorum
       THEN UNCHANGED state
       ELSE state' = [state EXCEPT ![i] = Follower]
    /\ recentActive' = [recentActive EXCEPT ![i] = {}]
    /\ UNCHANGED <<messages, currentTerm, votedFor, candidateVars, leaderVars, logVars, inLease>>

LeaseExpires(i) ==
    /\ CheckQuorum
    /\ state[i] = Follower
    /\ inLease[i]
    /\ inLease' = [inLease EXCEPT ![i] = FALSE]
    /\ UNCHANGED <<messages, serverVars, candidateVars, leaderVars, logVars, recentActive>>

HandleRequestVoteRequest(i, j, m) ==
    LET logOk == \/ m.mlastLogTerm > LastTerm(log[i])
                 \/ /\ m.mlastLogTerm = LastTerm(log[i])
                    /\ m.mlastLogIndex >= Len(log[i])
        grant == /\ m.mterm = currentTerm[i]
                 /\ logOk
                 /\ votedFor[i] \in {Nil, j}
    IN /\ ~m.mprevote
       /\ m.mterm <= currentTerm[i]
       /\ \/ grant  /\ votedFor' = [votedFor EXCEPT ![i] = j]
          \/ ~grant /\ UNCHANGED votedFor
       /\ Reply([mtype |-> RequestVoteResponse, mterm |-> currentTerm[i],
                 mvoteGranted |-> grant, mprevote |-> FALSE, msource |-> i, mdest |-> j], m)
       /\ UNCHANGED <<state, currentTerm, candidateVars, leaderVars, logVars, etcdVars>>

HandlePreVoteRequest(i, j, m) ==
    LET logOk == \/ m.mlastLogTerm > LastTerm(log[i])
                 \/ /\ m.mlastLogTerm = LastTerm(log[i])
                    /\ m.mlastLogIndex >= Len(log[i])
        grant == m.mterm > currentTerm[i] /\ logOk
    IN /\ m.mprevote
       /\ ~(m.mterm > currentTerm[i] /\ InLease(i))
       /\ Reply([mtype |-> RequestVoteResponse,
                 mterm |-> IF grant THEN m.mterm ELSE currentTerm[i],
                 mvoteGranted |-> grant, mprevote |-> TRUE, msource |-> i, mdest |-> j], m)
       /\ UNCHANGED <<serverVars, candidateVars, leaderVars, logVars, etcdVars>>

IgnoredInLease(i, j, m) ==
    /\ m.mtype = RequestVoteRequest
    /\ m.mterm > currentTerm[i]
    /\ InLease(i)
    /\ Discard(m)
    /\ UNCHANGED <<serverVars, candidateVars, leaderVars, logVars, etcdVars>>

HandleRequestVoteResponse(i, j, m) ==
    /\ ~m.mprevote
    /\ m.mterm = currentTerm[i]
    /\ votesResponded' = [votesResponded EXCEPT ![i] = votesResponded[i] \cup {j}]
    /\ \/ m.mvoteGranted /\ votesGranted' = [votesGranted EXCEPT ![i] = votesGranted[i] \cup {j}]
       \/ ~m.mvoteGranted /\ UNCHANGED votesGranted
    /\ Discard(m)
    /\ UNCHANGED <<serverVars, leaderVars, logVars, etcdVars>>

HandlePreVoteResponse(i, j, m) ==
    /\ m.mprevote
    /\ ~(m.mterm > currentTerm[i] /\ ~m.mvoteGranted)
    /\ IF state[i] /= PreCandidate \/ m.mterm /= currentTerm[i] + 1
       THEN UNCHANGED candidateVars
       ELSE /\ votesResponded' = [votesResponded EXCEPT ![i] = votesResponded[i] \cup {j}]
            /\ votesGranted' = [votesGranted EXCEPT ![i] =
                                  IF m.mvoteGranted THEN votesGranted[i] \cup {j}
                                  ELSE votesGranted[i]]
    /\ Discard(m)
    /\ UNCHANGED <<serverVars, leaderVars, logVars, etcdVars>>

AERequestBase(i, j, m) ==
    LET logOk == \/ m.mprevLogIndex = 0
                 \/ /\ m.mprevLogIndex > 0
                    /\ m.mprevLogIndex <= Len(log[i])
                    /\ m.mprevLogTerm = log[i][m.mprevLogIndex].term
    IN /\ m.mterm <= currentTerm[i]
       /\ \/ /\ \/ m.mterm < currentTerm[i]
                \/ /\ m.mterm = currentTerm[i]
                   /\ state[i] = Follower
                   /\ \lnot logOk
             /\ Reply([mtype |-> AppendEntriesResponse, mterm |-> currentTerm[i],
                       msuccess |-> FALSE, mmatchIndex |-> 0, msource |-> i, mdest |-> j], m)
             /\ UNCHANGED <<serverVars, logVars>>
          \/ /\ m.mterm = currentTerm[i]
             /\ state[i] \in {Candidate, PreCandidate}
             /\ state' = [state EXCEPT ![i] = Follower]
             /\ UNCHANGED <<currentTerm, votedFor, logVars, messages>>
          \/ /\ m.mterm = currentTerm[i]
             /\ state[i] = Follower
             /\ logOk
             /\ LET index == m.mprevLogIndex + 1
                IN \/ /\ \/ m.mentries = << >>
                         \/ /\ m.mentries /= << >>
                            /\ Len(log[i]) >= index
                            /\ log[i][index].term = m.mentries[1].term
                      /\ commitIndex' = [commitIndex EXCEPT ![i] = m.mcommitIndex]
                      /\ Reply([mtype |-> AppendEntriesResponse, mterm |-> currentTerm[i],
                                msuccess |-> TRUE,
                                mmatchIndex |-> m.mprevLogIndex + Len(m.mentries),
                                msource |-> i, mdest |-> j], m)
                      /\ UNCHANGED <<serverVars, log>>
                   \/ /\ m.mentries /= << >>
                      /\ Len(log[i]) >= index
                      /\ log[i][index].term /= m.mentries[1].term
                      /\ log' = [log EXCEPT ![i] = [index2 \in 1..(Len(log[i]) - 1) |-> log[i][index2]]]
                      /\ UNCHANGED <<serverVars, commitIndex, messages>>
                   \/ /\ m.mentries /= << >>
                      /\ Len(log[i]) = m.mprevLogIndex
                      /\ log' = [log EXCEPT ![i] = Append(log[i], m.mentries[1])]
                      /\ UNCHANGED <<serverVars, commitIndex, messages>>
       /\ UNCHANGED <<candidateVars, leaderVars, recentActive>>

HandleAppendEntriesRequest(i, j, m) ==
    /\ AERequestBase(i, j, m)
    /\ inLease' = [inLease EXCEPT ![i] =
                     IF CheckQuorum /\ m.mterm = currentTerm[i] /\ state[i] /= Leader
                     THEN TRUE ELSE @]

HandleAppendEntriesResponse(i, j, m) ==
    /\ m.mterm = currentTerm[i]
    /\ \/ /\ m.msuccess
          /\ nextIndex'  = [nextIndex  EXCEPT ![i][j] = m.mmatchIndex + 1]
          /\ matchIndex' = [matchIndex EXCEPT ![i][j] = m.mmatchIndex]
       \/ /\ \lnot m.msuccess
          /\ nextIndex' = [nextIndex EXCEPT ![i][j] = Max({nextIndex[i][j] - 1, 1})]
          /\ UNCHANGED <<matchIndex>>
    /\ recentActive' = [recentActive EXCEPT ![i] =
                          IF CheckQuorum /\ state[i] = Leader THEN @ \cup {j} ELSE @]
    /\ Discard(m)
    /\ UNCHANGED <<serverVars, candidateVars, logVars, inLease>>

UpdateTerm(i, j, m) ==
    /\ m.mterm > currentTerm[i]
    /\ ~(m.mtype = RequestVoteRequest /\ (m.mprevote \/ InLease(i)))
    /\ ~(m.mtype = RequestVoteResponse /\ m.mprevote /\ m.mvoteGranted)
    /\ currentTerm'    = [currentTerm EXCEPT ![i] = m.mterm]
    /\ state'          = [state       EXCEPT ![i] = Follower]
    /\ votedFor'       = [votedFor    EXCEPT ![i] = Nil]
    /\ recentActive'   = [recentActive EXCEPT ![i] = {}]
    /\ inLease'        = [inLease EXCEPT ![i] =
                              CheckQuorum /\ m.mtype = AppendEntriesRequest]
    /\ UNCHANGED <<messages, candidateVars, leaderVars, logVars>>

DropStaleResponse(i, j, m) ==
    /\ m.mterm < currentTerm[i]
    /\ Discard(m)
    /\ UNCHANGED <<serverVars, candidateVars, leaderVars, logVars, etcdVars>>

Receive(m) ==
    LET i == m.mdest
        j == m.msource
    IN \/ UpdateTerm(i, j, m)
       \/ IgnoredInLease(i, j, m)
       \/ /\ m.mtype = RequestVoteRequest
          /\ \/ HandleRequestVoteRequest(i, j, m)
             \/ HandlePreVoteRequest(i, j, m)
       \/ /\ m.mtype = RequestVoteResponse
          /\ \/ /\ ~m.mprevote
                /\ \/ DropStaleResponse(i, j, m)
                   \/ HandleRequestVoteResponse(i, j, m)
             \/ HandlePreVoteResponse(i, j, m)
       \/ /\ m.mtype = AppendEntriesRequest
          /\ HandleAppendEntriesRequest(i, j, m)
       \/ /\ m.mtype = AppendEntriesResponse
          /\ \/ DropStaleResponse(i, j, m)
             \/ HandleAppendEntriesResponse(i, j, m)

DuplicateMessage(m) == Send(m) /\ UNCHANGED <<serverVars, candidateVars, leaderVars, logVars, etcdVars>>
DropMessage(m) == Discard(m) /\ UNCHANGED <<serverVars, candidateVars, leaderVars, logVars, etcdVars>>

Next == \/ Faults /\ \E i \in Server : Restart(i)
        \/ \E i \in Server : Timeout(i)
        \/ \E i \in Server : Campaign(i)
        \/ \E i,j \in Server : RequestVote(i, j)
        \/ \E i \in Server : BecomeLeader(i)
        \/ \E i \in Server, v \in Value : ClientRequest(i, v)
        \/ \E i \in Server : AdvanceCommitIndex(i)
        \/ \E i,j \in Server : AppendEntries(i, j)
        \/ \E i \in Server : CheckQuorumStep(i)
        \/ \E i \in Server : LeaseExpires(i)
        \/ \E m \in DOMAIN messages : Receive(m)
        \/ Faults /\ \E m \in DOMAIN messages : DuplicateMessage(m)
        \/ Faults /\ \E m \in DOMAIN messages : DropMessage(m)

Bound == /\ \A i \in Server : currentTerm[i] <= MaxTerm /\ Len(log[i]) <= MaxLog
         /\ BagCardinality(messages) <= MaxMsgs
Sym == Permutations(Server)
ElectionSafety == \A i, j \in Server :
    (state[i] = Leader /\ state[j] = Leader /\ currentTerm[i] = currentTerm[j]) => i = j
===============================================================================
