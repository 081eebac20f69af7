module github.com/raftvm/raft

go 1.26.8

require (
	github.com/chzyer/readline v1.5.1 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
