package main

// This file defines raft help words: every word with its stack effect, by
// section of docs/language.md. words.txt is made from docs/language.md by
// `go test ./cmd/raft -run TestWordsHelp -update`; the test fails when it is
// stale or misses a word.

import _ "embed"

//go:embed words.txt
var wordsHelp string
