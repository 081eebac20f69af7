module github.com/raftvm/raft

go 1.26.8
