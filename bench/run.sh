#!/usr/bin/env bash
# bench/run.sh: how long dfmt -l takes over the corpus of valid Dockerfiles,
# against cat of the same files (the cost of just reading them), and how
# much memory dfmt needs.
#
#   bench/run.sh [runs]          runs: repetitions, best taken (default 5)
#
# The corpus is $DFMT_CORPUS/valid, by default ../shared/corpus/valid from
# the repository root. Its files are named after their origin, not like
# Dockerfiles, so they are passed to dfmt explicitly, all in one run.
# Peak memory comes from GNU time (/usr/bin/time -v; Debian package
# "time"); without it that line says so.
set -euo pipefail
export LC_ALL=C # a "." in EPOCHREALTIME and awk's numbers

root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
corpus=${DFMT_CORPUS:-$(cd "$root/.." && pwd)/shared/corpus}
if [ ! -d "$corpus/valid" ]; then
	echo "bench: no corpus at $corpus/valid (set DFMT_CORPUS)" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/dfmt" ./cmd/dfmt)

files=()
while IFS= read -r -d '' f; do
	files+=("$f")
done < <(find "$corpus/valid" -type f -print0 | sort -z)
if [ ${#files[@]} -eq 0 ]; then
	echo "bench: no files in $corpus/valid" >&2
	exit 2
fi
bytes=$(cat "${files[@]}" | wc -c)

now() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		echo "$EPOCHREALTIME"
	else
		date +%s.%N
	fi
}

# best CMD...: the shortest wall time of $runs runs of CMD, in seconds.
# dfmt -l exits 1 when a file differs, so only a status above 1 fails.
best() {
	local b="" t0 t1 i st
	for ((i = 0; i < runs; i++)); do
		t0=$(now)
		st=0
		"$@" >/dev/null 2>&1 || st=$?
		t1=$(now)
		if [ "$st" -gt 1 ]; then
			echo "bench: $1 exited $st" >&2
		fi
		b=$(awk -v b="$b" -v t0="$t0" -v t1="$t1" \
			'BEGIN { d = t1 - t0; if (b == "" || d < b + 0) printf "%.6f\n", d; else print b }')
	done
	echo "$b"
}

# Warm the page cache, and count what dfmt reports once.
cat "${files[@]}" >/dev/null
st=0
"$tmp/dfmt" -l "${files[@]}" >"$tmp/out" 2>"$tmp/err" || st=$?
echo "corpus:   ${#files[@]} files, $bytes bytes in $corpus/valid"
echo "dfmt -l:  exit $st, $(wc -l <"$tmp/out") files differ, $(wc -l <"$tmp/err") errors"

cat_s=$(best cat "${files[@]}")
dfmt_s=$(best "$tmp/dfmt" -l "${files[@]}")
echo "cat:      ${cat_s}s (best of $runs)"
echo "dfmt -l:  ${dfmt_s}s (best of $runs)"
awk -v d="$dfmt_s" -v c="$cat_s" -v n="$bytes" 'BEGIN {
	if (c > 0) printf "ratio:    %.1fx cat\n", d / c
	if (d > 0) printf "speed:    %.1f MB/s\n", n / d / 1e6
}'

if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
	/usr/bin/time -v "$tmp/dfmt" -l "${files[@]}" >/dev/null 2>"$tmp/time" || true
	kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time")
	echo "peak mem: ${kb} KB (dfmt -l, GNU time)"
else
	echo "peak mem: unknown: /usr/bin/time -v is missing (Debian package \"time\")"
fi
