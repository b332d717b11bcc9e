#!/usr/bin/env bash
# Whole-run measurement (docs/performance.md): rinken check against the parse floor and
# xmllint --schema over the same generated corpus, warm cache, best of 3 runs taken in rounds.
#
#   scripts/whole-run.sh [--count N] [--batch-forms N] [--runs N] [--skip-big] [--keep]
#                        [--reuse-corpus]
#
#   --count N        single-form files to generate (default 100000), 5 % with planted defects
#   --batch-forms N  forms in the one large FormBatch file (default 700000, about 1 GB)
#   --runs N         timed rounds; each runs every command once, and a command's best
#                    run is reported (default 3)
#   --skip-big       leave out the large batch file
#   --keep           keep the work directory (default: removed at the end)
#   --reuse-corpus   time the corpus a kept work directory already holds, if it was made with
#                    the same count (the generator must not have changed since): deleting and
#                    writing 100,000 files again leaves some disks slow to create files for
#                    minutes, which the runs writing reports to the disk would measure
#
# The work directory is $RINKEN_WORK_DIR if set, else a new directory under ${TMPDIR:-/tmp}.
# Needs: cargo; optional: xmllint (libxml2-utils), /usr/bin/time (GNU time) for peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."

count=100000
batch_forms=700000
runs=3
big=1
keep=0
reuse=0
while [ $# -gt 0 ]; do
    case "$1" in
        --count) count=$2; shift 2 ;;
        --batch-forms) batch_forms=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --skip-big) big=0; shift ;;
        --keep) keep=1; shift ;;
        --reuse-corpus) reuse=1; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "whole-run: unknown argument $1" >&2; exit 2 ;;
    esac
done

as_of=2026-11-21
work=${RINKEN_WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/rinken-whole-run.XXXXXX")}
mkdir -p "$work"
remove_work=0
if [ "$keep" = 0 ] && [ -z "${RINKEN_WORK_DIR:-}" ]; then remove_work=1; fi
# The report folders in memory go whatever happens; the work directory unless kept. Report
# folders of an earlier run in a kept directory are moved aside now and deleted at the end, as
# deleting files slows this disk's file creation for minutes (see "timings").
old_out=""
if [ -d "$work/out" ] || [ -d "$work/report-again" ]; then
    old_out=$work/old-$$
    mkdir -p "$old_out"
    for d in out report-again; do
        if [ -d "$work/$d" ]; then mv "$work/$d" "$old_out/"; fi
    done
fi
trap 'if [ -n "${shm:-}" ]; then rm -rf "$shm"; fi; if [ -n "$old_out" ]; then rm -rf "$old_out"; fi; if [ "$remove_work" = 1 ]; then rm -rf "$work"; fi' EXIT

echo "== build (release)"
cargo build --release --quiet --bin rinken --example parse_floor
rinken=$PWD/target/release/rinken
floor=$PWD/target/release/examples/parse_floor
schema=$PWD/schema/rinken.xsd

gnu_time=""
if /usr/bin/time -v true >/dev/null 2>&1; then gnu_time=/usr/bin/time; fi

echo "== machine"
echo "cpus: $(nproc)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "kernel: $(uname -r)"
# Other work on the machine skews every figure: the load average says how much there was.
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rinken: $("$rinken" --version)"

# Seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }

# A report folder of its own for every run that names @OUT@ (on disk) or @SHM@ (in memory),
# as a run over a new delivery has (see "reports" below).
fresh=0
shm=""
# expand COMMAND...: the command in the array `cmd`, with @OUT@ and @SHM@ replaced by new folders.
expand() {
    fresh=$((fresh + 1))
    cmd=()
    local a
    for a in "$@"; do
        case "$a" in
            @OUT@) cmd+=("$work/out/$fresh") ;;
            @SHM@) cmd+=("$shm/$fresh") ;;
            *) cmd+=("$a") ;;
        esac
    done
}

# add LABEL FILES RECORDS BYTES COMMAND...: a command to time. `run_all` then runs them in
# rounds, each round every command once: this machine has slow phases lasting seconds to
# minutes, and timed one after the other, the three runs of one command could all fall in one
# (rinken at 0.85 s in a block of its own, 0.73 s alternating with the floor, the same hour).
labels=()
metas=()
add() {
    labels+=("$1")
    metas+=("$2|$3|$4")
    local i=$((${#labels[@]} - 1))
    shift 4
    eval "cmd_$i=(\"\$@\")"
}

# run_all: an untimed round first (warm cache), then $runs timed rounds; prints each command's
# best time and rates, and records peak RSS (one more run, under GNU time) when it is there.
results=()
run_all() {
    local n=${#labels[@]} i r s t0 t1
    local -a best_s=()
    for r in $(seq 0 "$runs"); do
        for ((i = 0; i < n; i++)); do
            local -n c="cmd_$i"
            expand "${c[@]}"
            t0=$(now)
            "${cmd[@]}" >/dev/null 2>&1 || true
            t1=$(now)
            [ "$r" = 0 ] && continue
            s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
            if [ -z "${best_s[$i]:-}" ] || awk -v x="$s" -v y="${best_s[$i]}" 'BEGIN { exit !(x < y) }'; then
                best_s[$i]=$s
            fi
        done
    done
    for ((i = 0; i < n; i++)); do
        local -n c="cmd_$i"
        local rss="-" files records bytes line
        IFS='|' read -r files records bytes <<<"${metas[$i]}"
        # GNU time runs programs only, not shell functions (the xmllint pipeline).
        if [ -n "$gnu_time" ] && [ "$(type -t "${c[0]}")" = file ]; then
            expand "${c[@]}"
            # rinken exits 1 when it finds errors (the corpus has some): not a failure here.
            rss=$("$gnu_time" -v "${cmd[@]}" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' || true)
        fi
        line=$(awk -v l="${labels[$i]}" -v s="${best_s[$i]}" -v f="$files" -v r="$records" -v b="$bytes" -v m="$rss" 'BEGIN {
            printf "%-34s %8.3f s %10.1f files/s %10.0f records/s %8.1f MB/s %8s MiB", l, s, f / s, r / s, b / 1e6 / s, m }')
        echo "$line"
        results+=("${labels[$i]}|${best_s[$i]}|$files|$records|$bytes|$rss")
    done
    labels=()
    metas=()
}

seconds_of() {
    local want=$1 r
    for r in "${results[@]}"; do
        if [ "${r%%|*}" = "$want" ]; then echo "$r" | cut -d'|' -f2; return; fi
    done
    echo ""
}

# ratio A B: A's throughput over B's (B's seconds / A's seconds).
ratio() {
    local a b
    a=$(seconds_of "$1"); b=$(seconds_of "$2")
    if [ -z "$a" ] || [ -z "$b" ]; then echo "n/a"; return; fi
    awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }'
}

echo "== corpus: $count single-form files, 5 % defects"
corpus=$work/corpus
made="count=$count seed=1 defect-rate=0.05"
if [ "$reuse" = 1 ] && [ "$(cat "$work/corpus.made" 2>/dev/null)" = "$made" ]; then
    echo "reusing $corpus ($made)"
else
    rm -rf "$corpus" "$work/corpus.made"
    "$rinken" gen --count "$count" --out "$corpus" --seed 1 --defect-rate 0.05
    echo "$made" > "$work/corpus.made"
fi
# The corpus is written to the page cache; without this, the kernel writes it back to the disk
# during the first timings (rinken's) and not the last (the floor's).
sync
files=$(find "$corpus" -name '*.xml' | wc -l)
bytes=$(find "$corpus" -name '*.xml' -printf '%s\n' | awk '{ s += $1 } END { print s }')
echo "files: $files  bytes: $bytes"

echo "== timings (best of $runs rounds, warm cache)"
# Every run writes a new report folder, as a prefecture's run over a new delivery does, and the
# folders stay until the end. Replacing the report of a run made a minute earlier is timed too:
# on ext4 without a journal (this machine's), creating a file then skips every inode deleted
# in the last minutes, one by one, and the previous report's files are such inodes.
add "rinken check --threads 1" "$files" "$files" "$bytes" \
    "$rinken" check "$corpus" --out @OUT@ --as-of "$as_of" --threads 1 --quiet --no-progress
add "rinken check --threads 2" "$files" "$files" "$bytes" \
    "$rinken" check "$corpus" --out @OUT@ --as-of "$as_of" --threads 2 --quiet --no-progress
# The reports (one CSV per file with findings) are files created on a disk. On a machine
# where creating a file is slow, that cost is the disk's, not the checking's: the same runs
# with the report folder in memory show rinken's own throughput.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then shm=$(mktemp -d /dev/shm/rinken-whole-run.XXXXXX); fi
if [ -n "$shm" ]; then
    add "rinken --threads 1 (reports tmpfs)" "$files" "$files" "$bytes" \
        "$rinken" check "$corpus" --out @SHM@ --as-of "$as_of" --threads 1 --quiet --no-progress
    add "rinken --threads 2 (reports tmpfs)" "$files" "$files" "$bytes" \
        "$rinken" check "$corpus" --out @SHM@ --as-of "$as_of" --threads 2 --quiet --no-progress
fi
add "parse floor --threads 1" "$files" "$files" "$bytes" "$floor" --threads 1 "$corpus"
add "parse floor --threads 2" "$files" "$files" "$bytes" "$floor" --threads 2 "$corpus"
if command -v xmllint >/dev/null 2>&1; then
    lint() {
        find "$corpus" -name '*.xml' -print0 | xargs -0 -n 2000 -P "$1" xmllint --noout --schema "$schema"
    }
    add "xmllint --schema (xargs -P 1)" "$files" "$files" "$bytes" lint 1
    add "xmllint --schema (xargs -P 2)" "$files" "$files" "$bytes" lint 2
else
    echo "xmllint not installed (apt-get install libxml2-utils): skipped"
fi
run_all
if [ -n "$shm" ]; then rm -rf "$shm"; fi
# Replacing a report removes the previous one's files, and on this machine's disk creating a
# file then skips each inode removed in the last minutes: timed in rounds of their own, so that
# the fresh-folder runs above never follow one.
add "rinken --threads 2 (replacing)" "$files" "$files" "$bytes" \
    "$rinken" check "$corpus" --out "$work/report-again" --as-of "$as_of" --threads 2 --quiet --no-progress
run_all
reports=$(find "$work/out/1/files" -name '*.csv' | wc -l)
if command -v python3 >/dev/null 2>&1; then
    # How long this disk takes to create as many small files as the reports, with nothing else
    # done: what the "reports on disk" runs pay on top of the tmpfs ones.
    python3 - "$work/create-test" "$reports" <<'PY'
import os, sys, time
folder, n = sys.argv[1], int(sys.argv[2])
os.makedirs(folder, exist_ok=True)
t = time.time()
for i in range(n):
    with open(os.path.join(folder, f"f{i}.csv"), "w") as f:
        f.write("x" * 800)
print(f"creating {n} files of 800 bytes on this disk (as many as the report files): {time.time() - t:.3f} s")
PY
    rm -rf "$work/create-test"
fi
if [ "$big" = 1 ]; then
    echo "== one FormBatch file of $batch_forms forms"
    bigdir=$work/big
    rm -rf "$bigdir"
    "$rinken" gen --count "$batch_forms" --batch "$batch_forms" --out "$bigdir" --seed 2 --defect-rate 0.05
    bbytes=$(find "$bigdir" -name '*.xml' -printf '%s\n' | awk '{ s += $1 } END { print s }')
    echo "bytes: $bbytes"
    sync
    add "rinken check (batch file)" 1 "$batch_forms" "$bbytes" \
        "$rinken" check "$bigdir" --out @OUT@ --as-of "$as_of" --threads 2 --quiet --no-progress
    add "parse floor (batch file)" 1 "$batch_forms" "$bbytes" "$floor" --threads 1 "$bigdir"
    run_all
    rm -rf "$bigdir"
fi

echo "== against the targets of issue 4"
pct() { awk -v r="$1" 'BEGIN { if (r == "n/a") print "n/a"; else printf "%.0f %%", r * 100 }'; }
echo "rinken 1 thread  vs floor 1 thread:   $(pct "$(ratio "rinken check --threads 1" "parse floor --threads 1")")  (target >= 70 %)"
echo "rinken 2 threads vs floor 2 threads:  $(pct "$(ratio "rinken check --threads 2" "parse floor --threads 2")")  (target >= 70 %)"
echo "rinken 2 threads vs xmllint -P 2:     $(ratio "rinken check --threads 2" "xmllint --schema (xargs -P 2)") x  (target >= 3 x)"
echo "rinken 1 thread  vs xmllint -P 1:     $(ratio "rinken check --threads 1" "xmllint --schema (xargs -P 1)") x  (target >= 3 x)"
echo "rinken 1 -> 2 threads:                $(ratio "rinken check --threads 2" "rinken check --threads 1") x  (target >= 1.7 x)"
echo "rinken 2 threads replacing the report a minute old, vs floor: $(pct "$(ratio "rinken --threads 2 (replacing)" "parse floor --threads 2")")"
if [ -n "$shm" ]; then
    echo "-- with the reports on tmpfs (rinken's own work, without this disk's file-creation cost)"
    echo "rinken 1 thread  vs floor 1 thread:   $(pct "$(ratio "rinken --threads 1 (reports tmpfs)" "parse floor --threads 1")")  (target >= 70 %)"
    echo "rinken 2 threads vs floor 2 threads:  $(pct "$(ratio "rinken --threads 2 (reports tmpfs)" "parse floor --threads 2")")  (target >= 70 %)"
    echo "rinken 2 threads vs xmllint -P 2:     $(ratio "rinken --threads 2 (reports tmpfs)" "xmllint --schema (xargs -P 2)") x  (target >= 3 x)"
    echo "rinken 1 -> 2 threads:                $(ratio "rinken --threads 2 (reports tmpfs)" "rinken --threads 1 (reports tmpfs)") x  (target >= 1.7 x)"
fi
echo "floor 1 -> 2 threads:                 $(ratio "parse floor --threads 2" "parse floor --threads 1") x"
if [ "$big" = 1 ]; then
    echo "batch file, rinken vs floor MB/s:     $(pct "$(ratio "rinken check (batch file)" "parse floor (batch file)")")  (target >= 70 %)"
fi
echo "peak RSS (MiB) per command is the last column (target < 150 MiB)"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
