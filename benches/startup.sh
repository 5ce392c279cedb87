#!/usr/bin/env bash
# Startup to first frame: launches the release binary in tmux and times how long until the
# header is on screen, over several runs. Needs tmux.
#   bash benches/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release --quiet
bin="$PWD/target/release/switchboard"
home=$(mktemp -d)
trap 'rm -rf "$home"; tmux kill-session -t sb-startup 2>/dev/null || true' EXIT
times=()
for _ in $(seq "$runs"); do
  tmux kill-session -t sb-startup 2>/dev/null || true
  start=$(date +%s%N)
  tmux new-session -d -s sb-startup -x 160 -y 45 \
    "env -u OPENROUTER_API_KEY SWITCHBOARD_HOME='$home' '$bin'; sleep 5"
  until tmux capture-pane -p -t sb-startup 2>/dev/null | grep -q "switchboard · session"; do
    sleep 0.001
  done
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
  tmux kill-session -t sb-startup
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
echo "startup to first frame (ms, tmux start included): $(echo $sorted | tr '\n' ' ')"
echo "median: $(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') ms"
