#!/bin/bash
# The peak memory (maximum resident set size, from /usr/bin/time) of each command on a
# ledger, as Markdown table rows: command, exit code, peak MiB, wall seconds, bytes printed.
#
#   cargo build --release --locked
#   benches/peak_memory.sh COPY_OF_LEDGER.sqlite [IMPORT.csv]
#
# Give a copy of the ledger: `import` writes to it (when a CSV file is given, last). Files
# written by `export`, `letters` and `report` go to a temporary directory, removed at the end.
set -u
LEDGER=${1:?usage: benches/peak_memory.sh LEDGER.sqlite [IMPORT.csv]}
IMPORT=${2:-}
BIN=${ISU_LEDGER_BIN:-$(dirname "$0")/../target/release/isu-ledger}
AS_OF=${AS_OF:-2026-12-31}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

run() {
  /usr/bin/time -f "%M %e" -o "$OUT/time" "$BIN" --db "$LEDGER" "$@" > "$OUT/stdout" 2> "$OUT/stderr"
  local code=$?
  local kib secs
  read -r kib secs < <(tail -1 "$OUT/time")
  printf '| `%s` | %s | %.1f | %s | %s |\n' "$*" "$code" "$(echo "$kib / 1024" | bc -l)" \
    "$secs" "$(wc -c < "$OUT/stdout")"
}

echo "| command | exit | peak MiB | seconds | bytes printed |"
echo "|---------|-----:|---------:|--------:|--------------:|"
run --as-of "$AS_OF" journal
run --as-of "$AS_OF" --format csv journal
run --as-of "$AS_OF" --format json journal
run --as-of "$AS_OF" journal --offset 1000000
run --as-of "$AS_OF" journal --year 2017 --account assets:bank --offset 20000
run --as-of "$AS_OF" --format json journal --kind reapplication
run --as-of "$AS_OF" entry show 500000
run --format ledger export --out "$OUT/books.journal"
run --format beancount export --out "$OUT/books.beancount"
run --format csv export --out "$OUT/books.csv"
run --format json export --out "$OUT/books.json"
run --as-of "$AS_OF" balance
run --as-of "$AS_OF" status 2017
run --as-of "$AS_OF" outstanding 2017
run --as-of "$AS_OF" statement DEU
run --as-of "$AS_OF" honour-roll 2017
run --as-of "$AS_OF" letters 2017 --out "$OUT/letters"
run --as-of "$AS_OF" budget report 2017
run --as-of "$AS_OF" report 2017 --out "$OUT/report.html"
run --as-of "$AS_OF" report 2017 --annual --out "$OUT/annual.html"
run verify
run --as-of "$AS_OF" party list
run accounts
run --as-of "$AS_OF" fund list
if [ -n "$IMPORT" ]; then
  run import "$IMPORT"
fi
