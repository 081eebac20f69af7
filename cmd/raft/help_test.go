package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/raftvm/raft"
)

var updateHelp = flag.Bool("update", false, "rewrite cmd/raft/words.txt from docs/language.md")

// TestWordsHelp checks that words.txt is what docs/language.md says, and
// that it lists every word a program has (raft.Words).
func TestWordsHelp(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "language.md"))
	if err != nil {
		t.Fatal(err)
	}
	text, listed := wordsText(string(doc))
	if *updateHelp {
		if err := os.WriteFile("words.txt", []byte(text), 0o666); err != nil {
			t.Fatal(err)
		}
	} else if text != wordsHelp {
		t.Errorf("words.txt is not up to date: run go test ./cmd/raft -run TestWordsHelp -update")
	}
	for _, w := range raft.Words() {
		if !listed[w] {
			t.Errorf("word %s has no stack effect in docs/language.md §3 (a line \"- `%s` ( ... )\")", w, w)
		}
	}
}

// effectRe matches one or more `names` followed by a stack effect.
var effectRe = regexp.MustCompile("((?:`[^` ]+` *)+)\\( ([^()]*) \\)")

// wordsText makes the text of raft help words from the language reference:
// the list items of §3 that start with words and a stack effect, by
// section, and the set of words listed.
func wordsText(doc string) (string, map[string]bool) {
	var b strings.Builder
	b.WriteString("The words of Raft with their stack effects, by section of docs/language.md.\n")
	listed := map[string]bool{}
	var order []string
	effects := map[string][]string{}
	section := ""
	flush := func() {
		if len(order) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s\n", section)
		for _, w := range order {
			fmt.Fprintf(&b, "  %-16s %s\n", w, strings.Join(effects[w], "  "))
		}
		order, effects = nil, map[string][]string{}
	}
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "## ") {
			flush()
			section = ""
		}
		if strings.HasPrefix(line, "### 3.") {
			flush()
			section = strings.TrimPrefix(line, "### ")
			if i := strings.Index(section, " ("); i > 0 {
				section = section[:i] // the opcodes of the section
			}
			continue
		}
		if section == "" || !strings.HasPrefix(line, "- `") {
			continue
		}
		// Only where the item starts with words: "- `if` ( cond -- )" in
		// prose about control flow is not a word's effect.
		for _, m := range effectRe.FindAllStringSubmatchIndex(line, -1) {
			if m[0] != 2 && !strings.HasSuffix(strings.TrimSpace(line[:m[0]]), ")") && !strings.HasSuffix(strings.TrimSpace(line[:m[0]]), "),") {
				break
			}
			names := strings.Fields(strings.ReplaceAll(line[m[2]:m[3]], "`", " "))
			effect := "( " + line[m[4]:m[5]] + " )"
			for _, n := range names {
				if effects[n] == nil {
					order = append(order, n)
				}
				if !contains(effects[n], effect) {
					effects[n] = append(effects[n], effect)
				}
				listed[n] = true
			}
		}
	}
	flush()
	return b.String(), listed
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
