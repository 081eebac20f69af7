#!/usr/bin/env bash
# compare.sh: run the benchmark workloads in Raft and in peer languages and
# print the median wall time of each workload x runtime, plus Raft's ratio to
# each peer (raft time / peer time: above 1 means Raft is slower).
#
# Every figure is the wall time of the whole command (process or VM start-up
# included, compilation excluded: Go peers and Raft are built once, Erlang
# modules compiled once with erlc before timing).
#
# Usage: bench/compare.sh [-n N] [-w workload[,workload...]] [-r runtime[,...]]
#                         [-t seconds] [--markdown] [-h]
#        bench/compare.sh -w corpus [-n N] [-r runtime[,...]] ...   (bench/corpus/)

set -u

usage() {
	cat <<'EOF'
Usage: bench/compare.sh [options]

  -n N          repetitions per workload and runtime (default 5); the median is shown
  -w LIST       workloads to run, comma-separated or repeated (default: all)
                fib loop collatz sieve bintrees ring spawn pingpong
                pingpong-tuple server fanout bigring selective restarts
                pairs-tuple (the actor workloads after pingpong say their
                answer on their first line, after `; prints `)
  -w corpus     run the corpus instead: every bench/corpus/NAME.raft with its
                peers in bench/corpus/peers/ (runtimes raft raft-jit lua luajit
                luajit-joff go); `-w corpus/NAME,corpus/NAME2` runs some of them.
                The answer is what the first line of NAME.raft says after
                `; prints `. The ratio tables end with the geometric mean over
                the corpus. Corpus and the workloads above are not mixed in a run.
  -r LIST       runtimes to run, comma-separated or repeated (default: all installed)
                raft raft-jit lua luajit luajit-joff gforth erlang go, and
                raft-w1 (`raft run --workers 1`), which runs only when named
  -t SECONDS    per-run time limit where `timeout` exists (default 600)
  --markdown    print the tables as Markdown
  -h, --help    this help

A run whose output is not the expected answer is shown as `wrong` and not timed;
a run that fails (build error, non-zero exit) as `n/a`, one that hits the time
limit as `timeout`; `-` means the workload does not exist for that runtime.
Progress goes to stderr, the tables to stdout.
EOF
}

ALL_WORKLOADS="fib loop collatz sieve bintrees ring spawn pingpong pingpong-tuple server fanout bigring selective restarts pairs-tuple"
ALL_RUNTIMES="raft raft-w1 raft-jit lua luajit luajit-joff gforth erlang go"
# raft-w1 (raft run --workers 1) runs only when -r names it
DEFAULT_RUNTIMES="raft raft-jit lua luajit luajit-joff gforth erlang go"

N=5
WORKLOADS=""
RUNTIMES=""
TIME_LIMIT=600
MARKDOWN=0

while [ $# -gt 0 ]; do
	case "$1" in
	-n) N="${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
	-n*) N="${1#-n}"; shift ;;
	-w) WORKLOADS="$WORKLOADS ${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
	-w*) WORKLOADS="$WORKLOADS ${1#-w}"; shift ;;
	-r) RUNTIMES="$RUNTIMES ${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
	-r*) RUNTIMES="$RUNTIMES ${1#-r}"; shift ;;
	-t) TIME_LIMIT="${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
	--markdown) MARKDOWN=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "compare.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
	esac
done

case "$N" in '' | *[!0-9]* | 0) echo "compare.sh: -n needs a positive integer" >&2; exit 2 ;; esac
case "$TIME_LIMIT" in '' | *[!0-9]* | 0) echo "compare.sh: -t needs a positive integer" >&2; exit 2 ;; esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
PEERS=$BENCH/peers
SRC=$BENCH                    # where the Raft programs are
GO_PEERS=./bench/peers/go     # the Go peers, as go build names them from $ROOT
in_list() { case " $2 " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

WORKLOADS=$(echo "$WORKLOADS" | tr ',' ' ')

# -w corpus: the workloads are bench/corpus/*.raft, the peers under
# bench/corpus/peers/, and only the runtimes with corpus programs take part.
CORPUS=0
for w in $WORKLOADS; do case "$w" in corpus | corpus/*) CORPUS=1 ;; esac; done
if [ "$CORPUS" = 1 ]; then
	ALL_WORKLOADS=""
	for f in "$BENCH"/corpus/*.raft; do [ -f "$f" ] && ALL_WORKLOADS="$ALL_WORKLOADS $(basename "$f" .raft)"; done
	sel=""
	for w in $WORKLOADS; do
		case "$w" in
		corpus) sel="$sel $ALL_WORKLOADS" ;;
		corpus/*)
			in_list "${w#corpus/}" "$ALL_WORKLOADS" || { echo "compare.sh: unknown corpus workload: ${w#corpus/}" >&2; exit 2; }
			sel="$sel ${w#corpus/}" ;;
		*) echo "compare.sh: $w: the corpus runs apart from the other workloads (-w corpus or corpus/NAME only)" >&2; exit 2 ;;
		esac
	done
	WORKLOADS=$sel
	SRC=$BENCH/corpus
	PEERS=$BENCH/corpus/peers
	GO_PEERS=./bench/corpus/peers/go
	CORPUS_RUNTIMES="raft raft-jit lua luajit luajit-joff go"
	[ -n "${RUNTIMES// /}" ] || RUNTIMES=$CORPUS_RUNTIMES
fi
[ -n "${WORKLOADS// /}" ] || WORKLOADS=$ALL_WORKLOADS
for w in $WORKLOADS; do
	case " $ALL_WORKLOADS " in *" $w "*) ;; *) echo "compare.sh: unknown workload: $w" >&2; exit 2 ;; esac
done
RUNTIMES=$(echo "$RUNTIMES" | tr ',' ' ')
[ -n "${RUNTIMES// /}" ] || RUNTIMES=$DEFAULT_RUNTIMES
for r in $RUNTIMES; do
	case " $ALL_RUNTIMES " in *" $r "*) ;; *) echo "compare.sh: unknown runtime: $r" >&2; exit 2 ;; esac
done
# tables list workloads and runtimes in the canonical order
sel=""; for w in $ALL_WORKLOADS; do in_list "$w" "$WORKLOADS" && sel="$sel $w"; done; WORKLOADS=$sel
sel=""; for r in $ALL_RUNTIMES; do in_list "$r" "$RUNTIMES" && sel="$sel $r"; done; RUNTIMES=$sel

TMP=$(mktemp -d "${TMPDIR:-/tmp}/raft-compare.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$TMP/go" "$TMP/erl" "$TMP/res"
NOTES=$TMP/notes
: >"$NOTES"

log() { printf '%s\n' "$*" >&2; }
note() { printf '%s\n' "$*" >>"$NOTES"; }
have() { command -v "$1" >/dev/null 2>&1; }

answer() {
	# a corpus program says its answer on its first line, after "; prints "
	if [ "$CORPUS" = 1 ]; then sed -n '1s/.*; prints //p' "$SRC/$1.raft"; return; fi
	case "$1" in
	fib) echo 9227465 ;;
	loop) echo 44999999850000000 ;;
	collatz) echo 837799 ;;
	sieve) echo 664579 ;;
	bintrees) echo 14723759 ;;
	ring | spawn | pingpong) echo 1000000 ;;
	*) sed -n '1s/.*; prints //p' "$SRC/$1.raft" ;; # the newer actor workloads
	esac
}

label() {
	case "$1" in
	raft) echo "raft" ;;
	raft-w1) echo "raft --workers 1" ;;
	raft-jit) echo "raft --jit" ;;
	lua) echo "lua5.4" ;;
	luajit) echo "luajit" ;;
	luajit-joff) echo "luajit -joff" ;;
	gforth) echo "gforth-fast" ;;
	erlang) echo "erlang" ;;
	go) echo "go" ;;
	esac
}

# Wall clock in seconds with sub-millisecond precision.
if [ -n "${EPOCHREALTIME:-}" ]; then
	stamp() { _T=${EPOCHREALTIME/,/.}; }
else
	case "$(date +%N 2>/dev/null)" in
	'' | *[!0-9]*) echo "compare.sh: needs bash >= 5 (EPOCHREALTIME) or a date that knows +%N" >&2; exit 1 ;;
	esac
	stamp() { _T=$(date +%s.%N); }
fi

TIMEOUT_CMD=""
if have timeout; then
	TIMEOUT_CMD="timeout $TIME_LIMIT"
else
	note "no \`timeout\` command: runs have no time limit"
fi

first_line() { head -n 3 "$1" 2>/dev/null | tr '\n' ' ' | cut -c1-160; }

# ---- decide which runtimes exist and build what needs building ----

ACTIVE=""
RAFT_OK=0
case " $RUNTIMES " in *" raft "* | *" raft-w1 "* | *" raft-jit "*)
	if ! have go; then
		note "raft: \`go\` is not installed, cannot build ./cmd/raft"
	else
		log "building raft (go build ./cmd/raft)..."
		if (cd "$ROOT" && go build -o "$TMP/raft" ./cmd/raft) >"$TMP/raft-build.log" 2>&1; then
			RAFT_OK=1
		else
			note "raft: go build ./cmd/raft failed: $(first_line "$TMP/raft-build.log")"
		fi
	fi
	;;
esac
for r in $RUNTIMES; do
	if [ "$CORPUS" = 1 ] && ! in_list "$r" "$CORPUS_RUNTIMES"; then
		note "$(label "$r"): the corpus has no programs for it, skipped"
		continue
	fi
	case "$r" in
	raft) ACTIVE="$ACTIVE raft" ;;
	raft-w1) ACTIVE="$ACTIVE raft-w1" ;;
	raft-jit) ;; # decided below, once raft is built
	lua) have lua5.4 && ACTIVE="$ACTIVE lua" || note "lua5.4: not installed, skipped" ;;
	luajit) have luajit && ACTIVE="$ACTIVE luajit" || note "luajit: not installed, skipped" ;;
	luajit-joff) have luajit && ACTIVE="$ACTIVE luajit-joff" || note "luajit -joff: luajit not installed, skipped" ;;
	gforth) have gforth-fast && ACTIVE="$ACTIVE gforth" || note "gforth-fast: not installed, skipped" ;;
	erlang)
		if have erl && have erlc; then
			ACTIVE="$ACTIVE erlang"
		else
			note "erlang: erl/erlc not installed, skipped"
		fi
		;;
	go) have go && ACTIVE="$ACTIVE go" || note "go: not installed, skipped" ;;
	esac
done

case " $RUNTIMES " in *" raft-jit "*)
	if [ "$RAFT_OK" = 1 ]; then
		help=$({ $TIMEOUT_CMD "$TMP/raft" run --help 2>&1; $TIMEOUT_CMD "$TMP/raft" help 2>&1; } </dev/null)
		if echo "$help" | grep -q -- '--jit' && ! echo "$help" | grep -q 'not in this build'; then
			case " $ACTIVE " in
			*" raft "*) ACTIVE=$(echo " $ACTIVE " | sed 's/ raft / raft raft-jit /') ;; # right after raft
			*) ACTIVE=" raft-jit$ACTIVE" ;;
			esac
		else
			note "raft --jit: this build has no JIT (\`raft help\`), skipped"
		fi
	fi
	;;
esac


for w in $WORKLOADS; do
	case " $ACTIVE " in *" go "*)
		if [ -d "$PEERS/go/$w" ]; then
			(cd "$ROOT" && go build -o "$TMP/go/$w" "$GO_PEERS/$w") >"$TMP/go-$w.log" 2>&1 ||
				note "go/$w: build failed: $(first_line "$TMP/go-$w.log")"
		fi
		;;
	esac
	case " $ACTIVE " in *" erlang "*)
		if [ -f "$PEERS/erlang/$w.erl" ]; then
			erlc -o "$TMP/erl" "$PEERS/erlang/$w.erl" >"$TMP/erl-$w.log" 2>&1 ||
				note "erlang/$w: erlc failed: $(first_line "$TMP/erl-$w.log")"
		fi
		;;
	esac
done

loadavg() { [ -r /proc/loadavg ] && cut -d' ' -f1-3 /proc/loadavg; }
LOAD_START=$(loadavg)

# ---- what to run ----

# Prints the program file for runtime $1 and workload $2, or nothing if the
# workload does not exist for that runtime.
program() {
	local f=""
	case "$1" in
	raft | raft-w1 | raft-jit) f="$SRC/$2.raft" ;;
	lua) f="$PEERS/lua/$2.lua" ;;
	luajit | luajit-joff)
		# peers/luajit/ holds the few programs that need Lua 5.1 syntax
		if [ -f "$PEERS/luajit/$2.lua" ]; then f="$PEERS/luajit/$2.lua"; else f="$PEERS/lua/$2.lua"; fi ;;
	gforth) f="$PEERS/gforth/$2.fs" ;;
	erlang) f="$PEERS/erlang/$2.erl" ;;
	go) f="$PEERS/go/$2/main.go" ;;
	esac
	[ -f "$f" ] && echo "$f"
}

# Runs runtime $1 on workload $2 with program file $3; stdout to $4, stderr to $5.
invoke() {
	case "$1" in
	raft) $TIMEOUT_CMD "$TMP/raft" run "$3" ;;
	raft-w1) $TIMEOUT_CMD "$TMP/raft" run --workers 1 "$3" ;;
	raft-jit) $TIMEOUT_CMD "$TMP/raft" run --jit "$3" ;;
	lua) $TIMEOUT_CMD lua5.4 "$3" ;;
	luajit) $TIMEOUT_CMD luajit "$3" ;;
	luajit-joff) $TIMEOUT_CMD luajit -joff "$3" ;;
	gforth) $TIMEOUT_CMD gforth-fast "$3" ;;
	erlang) $TIMEOUT_CMD erl -noshell -pa "$TMP/erl" -s "$2" main ;;
	go) $TIMEOUT_CMD "$TMP/go/$2" ;;
	esac </dev/null >"$4" 2>"$5"
}

# Whether runtime $1 can run workload $2 at all (built, compiled).
ready() {
	case "$1" in
	raft | raft-w1 | raft-jit) [ "$RAFT_OK" = 1 ] ;;
	go) [ -x "$TMP/go/$2" ] ;;
	erlang) [ -f "$TMP/erl/$2.beam" ] ;;
	*) true ;;
	esac
}

# Result files: $TMP/res/<workload>.<runtime>.times (one time a line) and
# .state (absent: timed; otherwise `-`, `n/a`, `wrong` or `timeout`).
for w in $WORKLOADS; do
	want=$(answer "$w")
	for r in $ACTIVE; do
		base="$TMP/res/$w.$r"
		: >"$base.times"
		if [ -z "$(program "$r" "$w")" ]; then
			echo "-" >"$base.state"
		elif ! ready "$r" "$w"; then
			echo "n/a" >"$base.state"
		fi
	done
	rep=1
	while [ "$rep" -le "$N" ]; do
		# one repetition of every runtime, then the next: noise spreads evenly
		for r in $ACTIVE; do
			base="$TMP/res/$w.$r"
			[ -f "$base.state" ] && continue
			prog=$(program "$r" "$w")
			stamp; t0=$_T
			invoke "$r" "$w" "$prog" "$TMP/out" "$TMP/err"
			rc=$?
			stamp; t1=$_T
			out=$(cat "$TMP/out")
			out="${out%"${out##*[![:space:]]}"}" # trailing whitespace
			if [ "$rc" = 124 ] && [ -n "$TIMEOUT_CMD" ]; then
				echo "timeout" >"$base.state"
				note "$(label "$r")/$w: no answer within ${TIME_LIMIT}s"
				log "$w $(label "$r"): timeout"
			elif [ "$rc" != 0 ]; then
				echo "n/a" >"$base.state"
				note "$(label "$r")/$w: exit $rc: $(first_line "$TMP/err")"
				log "$w $(label "$r"): failed (exit $rc)"
			elif [ "$out" != "$want" ]; then
				echo "wrong" >"$base.state"
				note "$(label "$r")/$w: printed \"$(printf '%s' "$out" | head -c 80 | tr '\n' ' ')\", expected $want"
				log "$w $(label "$r"): wrong answer"
			else
				el=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
				echo "$el" >>"$base.times"
				log "$w $(label "$r") run $rep/$N: ${el}s"
			fi
		done
		rep=$((rep + 1))
	done
done

# ---- tables ----

median() {
	sort -n "$1" | awk '{ a[NR] = $1 }
		END { if (NR == 0) exit
		      if (NR % 2) m = a[(NR + 1) / 2]; else m = (a[NR / 2] + a[NR / 2 + 1]) / 2
		      printf "%.3f", m }'
}

# The cell for workload $1 and runtime $2: a median in seconds or a state.
cell() {
	local base="$TMP/res/$1.$2"
	if [ -f "$base.state" ]; then cat "$base.state"; else median "$base.times"; fi
}

is_number() { case "$1" in '' | *[!0-9.]*) return 1 ;; *) return 0 ;; esac; }

# Rows are printed as TAB-separated fields, then laid out.
render() {
	if [ "$MARKDOWN" = 1 ]; then
		awk -F'\t' '{
			line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line
			if (NR == 1) { line = "|"; for (i = 1; i <= NF; i++) line = line (i == 1 ? " --- |" : " ---: |"); print line }
		}'
	else
		awk -F'\t' '{ for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } if (NF > nf) nf = NF; n = NR }
			END { for (r = 1; r <= n; r++) { line = ""
				for (i = 1; i <= nf; i++) line = line sprintf(i == 1 ? "%-" w[i] "s" : "  %" w[i] "s", c[r, i])
				print line
				if (r == 1) { line = ""; for (i = 1; i <= nf; i++) { d = ""; for (k = 0; k < w[i] + (i > 1 ? 2 : 0); k++) d = d "-"; line = line d } print line } } }'
	fi
}

heading() {
	if [ "$MARKDOWN" = 1 ]; then printf '\n**%s**\n\n' "$1"; else printf '\n%s\n\n' "$1"; fi
}

heading "Median wall seconds over $N run(s) (whole command, start-up included)"
{
	printf 'workload'
	for r in $ACTIVE; do printf '\t%s' "$(label "$r")"; done
	printf '\n'
	for w in $WORKLOADS; do
		printf '%s' "$w"
		for r in $ACTIVE; do printf '\t%s' "$(cell "$w" "$r")"; done
		printf '\n'
	done
} | render

PEER_LIST=""
for r in $ACTIVE; do case "$r" in raft | raft-w1 | raft-jit) ;; *) PEER_LIST="$PEER_LIST $r" ;; esac; done

for rr in raft raft-w1 raft-jit; do
	case " $ACTIVE " in *" $rr "*) ;; *) continue ;; esac
	[ -n "${PEER_LIST// /}" ] || continue
	heading "Ratio $(label "$rr") / peer (above 1: Raft is slower)"
	{
		printf 'workload'
		for p in $PEER_LIST; do printf '\t%s' "$(label "$p")"; done
		printf '\n'
		for w in $WORKLOADS; do
			printf '%s' "$w"
			a=$(cell "$w" "$rr")
			for p in $PEER_LIST; do
				b=$(cell "$w" "$p")
				if [ "$b" = "-" ]; then
					printf '\t-'
				elif is_number "$a" && is_number "$b"; then
					ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
					printf '\t%s' "$ratio"
					# the unrounded ratio, for the geometric mean below
					is_number "$ratio" && awk -v a="$a" -v b="$b" 'BEGIN { printf "%.6f\n", a / b }' >>"$TMP/res/ratios.$rr.$p"
				else
					printf '\tn/a'
				fi
			done
			printf '\n'
		done
		if [ "$CORPUS" = 1 ]; then
			# geometric mean of the ratios over the corpus workloads that both ran;
			# "(k/n)" when only k of the n workloads count
			nw=$(echo $WORKLOADS | wc -w)
			printf 'geometric mean'
			for p in $PEER_LIST; do
				f="$TMP/res/ratios.$rr.$p"
				if [ -s "$f" ]; then
					printf '\t%s' "$(awk -v n="$nw" '{ s += log($1); k++ }
						END { printf "%.2f", exp(s / k); if (k < n) printf " (%d/%d)", k, n }' "$f")"
				else
					printf '\tn/a'
				fi
			done
			printf '\n'
		fi
	} | render
done

LOAD_END=$(loadavg)
[ -n "$LOAD_START" ] && note "load average (1, 5, 15 min) at start: $LOAD_START, at end: $LOAD_END (on $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs)"

if [ -s "$NOTES" ]; then
	heading "Notes"
	while IFS= read -r line; do
		if [ "$MARKDOWN" = 1 ]; then printf -- '- %s\n' "$line"; else printf '  %s\n' "$line"; fi
	done <"$NOTES"
fi
exit 0
