#!/usr/bin/env bash
# Measures what a new user waits for: the README's run command
# (go run ./apps/web) on a fresh clone, from the command to /readyz, with
# the demo data seeded. A fresh clone is a new directory, so every package
# of this module is compiled again; the Go module and build caches are
# warm, as on a machine that built the platform once.
#
# Beside it, the same for a baseline: a one-file net/http program in a new
# directory, which measures the go command, a link and a process start on
# this machine at this moment. Runs alternate, three each; the medians and
# their ratio are printed, since absolute seconds on a shared machine are
# noise. Set STARTUP_MAX_SECONDS to fail above a median.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
runs=${STARTUP_RUNS:-3}
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# time_to_ready DIR PORT CMD...: runs CMD in DIR and prints the seconds
# until http://127.0.0.1:PORT/readyz answers 200; stops the process tree.
time_to_ready() {
  local dir=$1 port=$2
  shift 2
  local start end
  start=$(date +%s.%N)
  (cd "$dir" && exec setsid "$@" >"$dir/run.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 1200); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; then
      end=$(date +%s.%N)
      kill -- -"$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      pid=""
      awk -v a="$start" -v b="$end" 'BEGIN{printf "%.2f\n", b - a}' 
      return
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the program exited before /readyz answered:" >&2
      cat "$dir/run.log" >&2
      exit 1
    fi
    sleep 0.05
  done
  echo "no /readyz after 60 s:" >&2
  cat "$dir/run.log" >&2
  exit 1
}

median() { sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }

app_times=() base_times=()
for i in $(seq 1 "$runs"); do
  clone="$work/clone-$i"
  git clone -q "$repo" "$clone"
  port=$(free_port)
  app_times+=("$(time_to_ready "$clone" "$port" go run ./apps/web -addr "127.0.0.1:$port")")
  rm -rf "$clone"

  base="$work/base-$i"
  mkdir -p "$base"
  printf 'module baseline\n\ngo 1.26\n' >"$base/go.mod"
  cat >"$base/main.go" <<'EOF'
package main

import (
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
	http.ListenAndServe(os.Args[1], nil)
}
EOF
  port=$(free_port)
  base_times+=("$(time_to_ready "$base" "$port" go run . "127.0.0.1:$port")")
  rm -rf "$base"
done

app=$(printf '%s\n' "${app_times[@]}" | median)
baseline=$(printf '%s\n' "${base_times[@]}" | median)
printf 'start-up on a fresh clone: %s s (runs: %s)\n' "$app" "${app_times[*]}"
printf 'baseline, a one-file net/http program: %s s (runs: %s)\n' "$baseline" "${base_times[*]}"
awk -v a="$app" -v b="$baseline" 'BEGIN{printf "ratio: %.1fx the baseline\n", a / b}'
if [ -n "${STARTUP_MAX_SECONDS:-}" ] && awk -v a="$app" -v m="$STARTUP_MAX_SECONDS" 'BEGIN{exit !(a > m)}'; then
  echo "start-up took $app s, more than STARTUP_MAX_SECONDS=$STARTUP_MAX_SECONDS" >&2
  exit 1
fi
