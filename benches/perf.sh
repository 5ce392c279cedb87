#!/usr/bin/env bash
# Performance figures for switchboard, measured on the real binary in a real terminal (tmux,
# 200x50) against the simulator running as its own process (its CPU is not counted). The
# simulator streams as real servers do: one token per SSE event, each a whole chunk of JSON of
# about 250 bytes (`switchboard sim --one-token-per-event`).
# docs/performance.md explains the method and records the results.
#
#   cpu      CPU seconds (utime+stime of the switchboard process) to stream 10,000 tokens of
#            sim/marathon into each of 1, 4 and 8 panes at full speed, per 10,000 tokens: the
#            first round of a fresh process (cold) and a second round after Ctrl+L (warm)
#   idle     CPU ticks and context switches (all threads) over 10 s with the app open, right
#            after start and after a finished round
#   startup  process start to first frame: in tmux (the method of benches/startup.sh) and on a
#            bare pseudo-terminal
#   mem      peak memory (VmHWM) after 8 panes x 50,000 tokens
#   ttft     time to first token added over a raw `curl -N` to the same simulator (speed 1)
#   aichat   one 20,000-token markdown answer, cold and warm: switchboard with one pane, and
#            aichat's REPL (bar: switchboard at most 1/8 of aichat's CPU)
#   run      the same answer received by `switchboard run` and by `curl -N -o /dev/null`: CPU
#            seconds of each process (bar: switchboard run at most 1.3 times curl); curl writing
#            the stream to a file is measured too, for comparison
#
# Usage: bash benches/perf.sh [--only PART[,PART...]] [--runs N] [--out FILE]
#   --only    run only these parts (default: all, in the order above)
#   --runs    repetitions for cpu and aichat (default 3), and 3 times as many for run;
#             startup uses 10, ttft 11
#   --out     write the raw results (JSON lines) to FILE as well
# Environment:
#   SWITCHBOARD_BIN  binary to measure (default: `cargo build --release`, then
#                    target/release/switchboard of this repository, or of $CARGO_TARGET_DIR)
#   AICHAT_BIN       aichat for the comparison (default: `aichat` on PATH; that half of the
#                    part is skipped, with a message, when there is none)
# Needs tmux, curl and python3 (standard library only). Takes two to three minutes.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
parts="cpu,idle,startup,mem,ttft,aichat,run"
runs=3
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --only) parts=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
want() { case ",$parts," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
for t in tmux curl python3; do
  command -v "$t" >/dev/null || { echo "perf.sh needs $t" >&2; exit 2; }
done

if [ -n "${SWITCHBOARD_BIN:-}" ]; then
  bin=$SWITCHBOARD_BIN
else
  (cd "$root" && cargo build --release --quiet)
  bin="${CARGO_TARGET_DIR:-$root/target}/release/switchboard"
fi
[ -x "$bin" ] || { echo "no switchboard binary at $bin" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
aichat=${AICHAT_BIN:-$(command -v aichat || true)}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sb-perf.XXXXXX")
sock="sb-perf-$$"
pids=()
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
T() { tmux -L "$sock" -f /dev/null "$@"; }
kill_session() { T kill-session -t "$1" 2>/dev/null || true; }
# A session that lives as long as the script, so the tmux server never exits between parts (a
# client that reaches a server on its way out fails with "server exited unexpectedly").
T new-session -d -s keep -x 20 -y 5 "sleep 86400"
results=${out:-$tmp/results.jsonl}
: >"$results"
# The prompt decides the document (the simulator is deterministic per model and prompt).
prompt="Write a long guide to consistent hashing"

# ---------------------------------------------------------------------------------------------
# The helper: /proc readings, polling the screen and the history, curl's first token, the report.
cat >"$tmp/h.py" <<'PY'
import json, os, re, sqlite3, statistics, subprocess, sys, time

SOCK = os.environ["SB_SOCK"]
HZ = os.sysconf("SC_CLK_TCK")

def ticks(pid):
    rest = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])  # utime + stime, all threads

def ctx(pid):
    """Context switches (voluntary + involuntary) of each live thread: {tid: (name, count)}."""
    per = {}
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            n, name = 0, ""
            for line in open(f"/proc/{pid}/task/{t}/status"):
                if line.startswith("Name:"):
                    name = line.split(None, 1)[1].strip()
                if "ctxt_switches" in line:
                    n += int(line.split()[1])
            per[t] = (name, n)
        except OSError:
            pass
    return per

def status(pid, key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return None

def screen(target):
    return subprocess.run(["tmux", "-L", SOCK, "-f", "/dev/null", "capture-pane", "-p", "-t", target],
                          capture_output=True, text=True).stdout

def keys(target, *k):
    subprocess.run(["tmux", "-L", SOCK, "-f", "/dev/null", "send-keys", "-t", target, *k], check=True)

def settle(pid, quiet=0.5, deadline=15.0):
    """Waits until the process has used no CPU tick for `quiet` seconds; returns its ticks."""
    end = time.time() + deadline
    last, since = ticks(pid), time.time()
    while time.time() < end:
        time.sleep(0.05)
        now = ticks(pid)
        if now != last:
            last, since = now, time.time()
        elif time.time() - since >= quiet:
            break
    return last

def finished(db):
    """Answers the history records as ended (done, failed, cancelled), over every round."""
    try:
        c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        rows = c.execute("SELECT status, finish_reason, completion_tokens FROM answers "
                         "WHERE status NOT IN ('waiting', 'streaming') ORDER BY id").fetchall()
        c.close()
        return rows
    except sqlite3.Error:
        return []

def out(rec):
    print(json.dumps(rec), flush=True)

def cmd_wait_text(target, text, deadline, poll):
    """Prints ms until `text` is on screen."""
    t0 = time.time()
    while time.time() - t0 < float(deadline):
        if text in screen(target):
            print(round((time.time() - t0) * 1000, 1))
            return
        time.sleep(float(poll))
    sys.exit(f"timed out waiting for {text!r} on screen")

def cmd_settle(pid):
    settle(int(pid))

def cmd_round(target, pid, db, panes, deadline, tail, tags):
    """Sends Enter and follows one switchboard round to its end: every answer recorded as
    finished in the history and a reported-cost footer (✓) on screen for every pane, then the
    process quiet again. CPU is read just before Enter and once quiet."""
    pid, panes = int(pid), int(panes)
    base = len(finished(db))
    before = status(pid, "VmHWM")
    t0, c0 = time.time(), ticks(pid)
    keys(target, "Enter")
    end = t0 + float(deadline)
    rows, marks = [], 0
    while time.time() < end:
        rows = finished(db)[base:]
        if len(rows) >= panes:
            marks = screen(target).count("✓")
            if marks >= panes:
                break
        time.sleep(0.02)
    else:
        sys.exit(f"{tags}: round did not finish within {deadline} s "
                 f"({len(rows)} answers recorded, {marks} footers on screen)")
    wall = time.time() - t0
    c1 = settle(pid)
    text = screen(target)
    out({**json.loads(tags), "panes": panes, "cpu_s": (c1 - c0) / HZ, "wall_s": round(wall, 3),
         "tokens": sum(r[2] or 0 for r in rows), "statuses": sorted({r[0] for r in rows}),
         "finish": sorted({str(r[1]) for r in rows}),
         "tail_on_screen": (tail in text) if tail else None,
         "before_kb": before, "vmhwm_kb": status(pid, "VmHWM"), "vmrss_kb": status(pid, "VmRSS")})

def cmd_aichat_round(target, pid, tail, deadline, tags):
    """Sends Enter to aichat's REPL and waits for the document's last line on screen with the
    REPL prompt back under it, then for the process to be quiet."""
    pid = int(pid)
    t0, c0 = time.time(), ticks(pid)
    keys(target, "Enter")
    end = t0 + float(deadline)
    while time.time() < end:
        lines = [l.rstrip() for l in screen(target).splitlines() if l.strip()]
        if lines and lines[-1] == ">" and any(tail in l for l in lines[-6:]):
            break
        time.sleep(0.02)
    else:
        sys.exit(f"{tags}: aichat did not finish within {deadline} s")
    wall = time.time() - t0
    c1 = settle(pid)
    out({**json.loads(tags), "panes": 1, "cpu_s": (c1 - c0) / HZ, "wall_s": round(wall, 3),
         "tail_on_screen": True, "vmhwm_kb": status(pid, "VmHWM")})

def cmd_idle(pid, secs, label):
    pid = int(pid)
    settle(pid, quiet=1.0)
    t0, x0, n0 = time.time(), ticks(pid), ctx(pid)
    time.sleep(float(secs))
    t1, x1, n1 = time.time(), ticks(pid), ctx(pid)
    # Threads that ended in the window count one switch each (their last wake-up); new ones
    # count all of theirs.
    by_thread = {}
    for tid in set(n0) | set(n1):
        name = (n1.get(tid) or n0.get(tid))[0]
        d = n1[tid][1] - n0[tid][1] if tid in n0 and tid in n1 else (1 if tid in n0 else n1[tid][1])
        if d:
            by_thread[f"{name}/{tid}" + ("" if tid in n1 else " (ended)")] = d
    out({"part": label, "secs": round(t1 - t0, 2), "ticks": x1 - x0, "cpu_s": (x1 - x0) / HZ,
         "ctx_switches": sum(by_thread.values()), "by_thread": by_thread,
         "threads": len(n1), "threads_before": len(n0)})

def cmd_curl_ttft(url, body, label):
    """Time to the first SSE `data:` line with non-empty content in `curl -N`'s output, read
    as it arrives. curl's own clock says when the first byte came (time_starttransfer: the
    keep-alive comment the simulator sends at once); the reader timestamps that comment line
    and the first content line, so TTFT = time_starttransfer + (content - comment). curl's
    process start is left out, as switchboard's start-up is left out of its own figure."""
    err = open(body + ".err", "w+")
    spawn = time.time()
    p = subprocess.Popen(["curl", "-sN", url, "-H", "content-type: application/json",
                          "--data-binary", "@" + body, "-w", "%{stderr}%{time_starttransfer}"],
                         stdout=subprocess.PIPE, stderr=err)
    comment = first = None
    for line in p.stdout:
        now = time.time()
        if comment is None and line.startswith(b":"):
            comment = now
        if first is None and line.startswith(b"data: {"):
            try:
                d = json.loads(line[6:])
            except ValueError:
                continue
            if any((c.get("delta") or {}).get("content") for c in d.get("choices", [])):
                first = now
    p.wait()
    err.seek(0)
    if first is None or comment is None:
        sys.exit(f"{label}: no keep-alive comment or no content line from curl")
    starttransfer = float(err.read().strip())
    out({"part": label, "ttft_ms": round((starttransfer + first - comment) * 1000, 2),
         "ttft_from_spawn_ms": round((first - spawn) * 1000, 2),
         "starttransfer_ms": round(starttransfer * 1000, 2)})

def cmd_sb_ttft(jsonfile, label):
    r = json.load(open(jsonfile))[0]
    if not r.get("ok"):
        sys.exit(f"{label}: switchboard run failed: {r.get('error')}")
    out({"part": label, "ttft_ms": r["ttft_ms"], "elapsed_ms": r["elapsed_ms"]})

def cmd_startup(target, workdir, command, label):
    """Starts `command` in a new 200x50 tmux session and polls the screen every millisecond
    for the header. Reports ms from just before `tmux new-session` (the method of
    benches/startup.sh) and from the exec of the binary (a time stamp `command` writes to
    workdir/exec just before it execs)."""
    t0 = time.time()
    subprocess.run(["tmux", "-L", SOCK, "-f", "/dev/null", "new-session", "-d", "-s", target,
                    "-x", "200", "-y", "50", "-c", workdir, command], check=True)
    while time.time() - t0 < 10:
        if "switchboard · session" in screen(target):
            t1 = time.time()
            break
        time.sleep(0.001)
    else:
        sys.exit("no first frame within 10 s")
    exec_at = float(open(os.path.join(workdir, "exec")).read().strip())
    out({"part": label, "from_tmux_ms": round((t1 - t0) * 1000, 1),
         "from_exec_ms": round((t1 - exec_at) * 1000, 1)})

def cmd_startup_pty(binary, home, runs, label):
    """The same without tmux: the binary on a bare 200x50 pseudo-terminal, from fork to the
    header's bytes arriving on the terminal side."""
    import fcntl, pty, select, signal, struct, termios
    env = {k: v for k, v in os.environ.items() if k not in ("OPENROUTER_API_KEY", "SWITCHBOARD_CONFIG")}
    env.update(SWITCHBOARD_HOME=home, TERM="tmux-256color")
    for _ in range(int(runs)):
        t0 = time.time()
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
            os.chdir(home)
            os.execve(binary, [binary], env)
        buf, t1 = b"", None
        while t1 is None:
            r, _, _ = select.select([fd], [], [], 10)
            if not r:
                break
            try:
                buf += os.read(fd, 65536)
            except OSError:
                break
            plain = re.sub(rb"\x1b\[[0-9;?]*[ -/]*[@-~]", b"", buf).decode("utf-8", "replace")
            if "switchboard · session" in plain:
                t1 = time.time()
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(fd)
        if t1 is None:
            sys.exit("no first frame on the pty within 10 s")
        out({"part": label, "from_fork_ms": round((t1 - t0) * 1000, 1)})
        time.sleep(0.2)

def cmd_cpu_of(label, who, out_path, *argv):
    """Runs a command to its end with its output in `out_path`, and reports the CPU time
    (user + system, from the kernel's accounting of that process, in microseconds) and the
    wall time it took. `bytes` is the size of the output, or the number it printed when that
    is all it printed (curl's %{size_download})."""
    t0 = time.time()
    with open(out_path, "wb") as f:
        p = subprocess.Popen(list(argv), stdout=f, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
    wall = time.time() - t0
    if status != 0:
        sys.exit(f"{label}: {argv[0]} exited with {status}")
    text = open(out_path, "rb").read()
    size = int(text) if text.strip().isdigit() else len(text)
    out({"part": label, "who": who, "cpu_s": round(ru.ru_utime + ru.ru_stime, 6),
         "user_s": round(ru.ru_utime, 6), "sys_s": round(ru.ru_stime, 6),
         "wall_s": round(wall, 3), "maxrss_kb": ru.ru_maxrss, "bytes": size})

def cmd_check_run(jsonfile, tokens):
    """Fails unless `switchboard run --format json` got the whole answer."""
    r = json.load(open(jsonfile))[0]
    if not r.get("ok") or r.get("completion_tokens") != int(tokens):
        sys.exit(f"switchboard run did not get the whole answer: ok={r.get('ok')} "
                 f"tokens={r.get('completion_tokens')} error={r.get('error')}")

def cmd_reference(jsonfile):
    d = json.load(open(jsonfile))
    text = d["choices"][0]["message"]["content"]
    last = [l for l in text.splitlines() if l.strip()][-1].strip()
    print(last[-12:])

def med(xs):
    return statistics.median(xs) if xs else None

def cmd_report(path):
    recs = [json.loads(l) for l in open(path) if l.strip()]
    def by(part, **kw):
        return [r for r in recs if r["part"] == part and all(r.get(k) == v for k, v in kw.items())]
    def fmt(xs, nd=3):
        if not xs:
            return "-"
        if len(xs) == 1:
            return f"{xs[0]:.{nd}f}"
        return f"{med(xs):.{nd}f} ({min(xs):.{nd}f}–{max(xs):.{nd}f}, n={len(xs)})"
    def verdict(ok):
        return "met" if ok else "MISSED"
    rows = []
    for phase in ("cold", "warm"):
        for n in (1, 4, 8):
            rs = by("cpu", panes=n, phase=phase)
            if rs:
                per = [r["cpu_s"] * 10000 / r["tokens"] for r in rs]
                rows.append((f"CPU-s per 10,000 tok, {n} pane(s), {phase}", fmt(per),
                             f"total {fmt([r['cpu_s'] for r in rs], 2)} CPU-s; "
                             f"wall {med([r['wall_s'] for r in rs]):.2f} s"))
    for part, what in (("idle-fresh", "after start"), ("idle-after-round", "after a round")):
        for r in by(part):
            rows.append((f"idle {r['secs']:.0f} s {what}: CPU-s / context switches",
                         f"{r['cpu_s']:.2f} / {r['ctx_switches']}",
                         f"target 0: {verdict(r['ticks'] == 0 and r['ctx_switches'] == 0)}"
                         + (f"; {r['by_thread']}" if r["by_thread"] else "")))
    s = by("startup")
    if s:
        rows.append(("startup to first frame in tmux, from exec (ms)",
                     fmt([r["from_exec_ms"] for r in s], 1),
                     f"target < 50 ms: {verdict(med([r['from_exec_ms'] for r in s]) < 50)}"))
        rows.append(("startup, from `tmux new-session` (ms)", fmt([r["from_tmux_ms"] for r in s], 1),
                     "as benches/startup.sh"))
    s = by("startup-pty")
    if s:
        rows.append(("startup on a bare pty, fork to header (ms)", fmt([r["from_fork_ms"] for r in s], 1), ""))
    for r in by("mem"):
        rows.append(("peak memory, 8 x 50,000 tok (VmHWM, MiB)", f"{r['vmhwm_kb'] / 1024:.1f}",
                     f"{r['vmhwm_kb'] * 1024 / 1e6:.0f} MB; before the round {r['before_kb'] / 1024:.1f} MiB; "
                     f"target < 100 MB: {verdict(r['vmhwm_kb'] * 1024 < 100e6)}"))
    c, w = by("ttft-curl"), by("ttft-switchboard")
    if c and w:
        cm, wm = med([r["ttft_ms"] for r in c]), med([r["ttft_ms"] for r in w])
        rows.append(("TTFT curl -N (ms)", fmt([r["ttft_ms"] for r in c], 2),
                     f"from spawning curl {med([r['ttft_from_spawn_ms'] for r in c]):.2f}"))
        rows.append(("TTFT switchboard run (ms, whole ms)", fmt([float(r["ttft_ms"]) for r in w], 0), ""))
        # switchboard's figure is whole milliseconds, rounded down: its true median lies in
        # [wm, wm + 1), so the added time lies in [wm - cm, wm + 1 - cm).
        rows.append(("added TTFT (difference of medians, ms)", f"{wm - cm:.2f} to {wm + 1 - cm:.2f}",
                     f"switchboard reports whole ms, rounded down; target < 2 ms: {verdict(wm + 1 - cm < 2)}"))
    for phase in ("cold", "warm"):
        b = by("answer20k", who="switchboard", phase=phase)
        if b:
            rows.append((f"20,000-tok answer, switchboard 1 pane, {phase}: CPU-s", fmt([r["cpu_s"] for r in b], 2),
                         f"bar <= 0.2: {verdict(med([r['cpu_s'] for r in b]) <= 0.2)}; "
                         f"whole answer on screen: {all(r['tail_on_screen'] for r in b)}"))
        a = by("answer20k", who="aichat", phase=phase)
        if a:
            rows.append((f"20,000-tok answer, aichat REPL, {phase}: CPU-s", fmt([r["cpu_s"] for r in a], 2),
                         f"whole answer on screen: {all(r['tail_on_screen'] for r in a)}"))
    for phase in ("cold", "warm"):
        b = [r["cpu_s"] for r in by("answer20k", who="switchboard", phase=phase)]
        a = [r["cpu_s"] for r in by("answer20k", who="aichat", phase=phase)]
        if a and b:
            ratio = med(b) / med(a)
            rows.append((f"switchboard / aichat CPU, {phase}", f"{ratio:.3f}",
                         f"1/{1 / ratio:.1f}; bar <= 1/8: {verdict(ratio <= 1 / 8)}"))
    for r in by("aichat-skipped"):
        rows.append(("aichat comparison", "skipped", r["why"]))
    c, s = by("run", who="curl"), by("run", who="switchboard")
    if c and s:
        rows.append(("20,000-tok stream, curl -N: CPU-s", fmt([r["cpu_s"] for r in c], 3),
                     f"wall {med([r['wall_s'] for r in c]):.2f} s; {c[0]['bytes']} bytes received"))
        rows.append(("20,000-tok stream, switchboard run: CPU-s", fmt([r["cpu_s"] for r in s], 3),
                     f"wall {med([r['wall_s'] for r in s]):.2f} s"))
        ratio = med([r["cpu_s"] for r in s]) / med([r["cpu_s"] for r in c])
        rows.append(("switchboard run / curl -N CPU", f"{ratio:.2f}",
                     f"bar <= 1.3: {verdict(ratio <= 1.3)}"))
        f = by("run", who="curl-file")
        if f:
            rows.append(("20,000-tok stream, curl -N > file: CPU-s", fmt([r["cpu_s"] for r in f], 3),
                         f"switchboard run / this: {med([r['cpu_s'] for r in s]) / med([r['cpu_s'] for r in f]):.2f}"))
    if not rows:
        return
    w1 = max(len(r[0]) for r in rows)
    w2 = max(len(r[1]) for r in rows)
    print()
    print(f"{'measure':<{w1}}  {'median (min–max, n)':<{w2}}  note")
    for r in rows:
        print(f"{r[0]:<{w1}}  {r[1]:<{w2}}  {r[2]}")
    loads = by("load")
    if loads:
        print("load average (1, 5, 15 min) before each part: "
              + "; ".join(f"{r['before']} {r['loadavg']}" for r in loads))

globals()["cmd_" + sys.argv[1].replace("-", "_")](*sys.argv[2:])
PY
export SB_SOCK="$sock"
h() { python3 "$tmp/h.py" "$@"; }
log() { printf '== %s\n' "$*" >&2; }
# The load average at the start of each part, in the results, since the figures depend on it.
mark() {
  printf '{"part": "load", "before": "%s", "loadavg": "%s"}\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$results"
}

# ---------------------------------------------------------------------------------------------
# The simulator, as its own process, one token per event: `sim_start SPEED` sets $sim_port.
sim_start() {
  local logf="$tmp/sim-$1.log"
  : >"$logf"   # exists before the background job opens it, so the first read below finds it
  "$bin" sim --host 127.0.0.1 --port 0 --speed "$1" --one-token-per-event >>"$logf" 2>&1 &
  pids+=($!)
  sim_port=""
  for _ in $(seq 500); do
    sim_port=$(sed -n 's#^listening on http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$logf" || true)
    [ -n "$sim_port" ] && return 0
    sleep 0.01
  done
  echo "the simulator did not start:" >&2; cat "$logf" >&2; exit 1
}

# `config FILE PORT PANES MAX_TOKENS` writes a config with PANES sim/marathon panes on a
# provider `bench` (kind openai) at the simulator; MAX_TOKENS "" leaves max_tokens unset.
config() {
  {
    echo 'default_provider = "bench"'
    echo '[providers.bench]'
    echo 'kind = "openai"'
    echo "base_url = \"http://127.0.0.1:$2/v1\""
    for _ in $(seq "$3"); do
      echo '[[panes]]'
      echo 'model = "sim/marathon"'
      echo 'provider = "bench"'
      if [ -n "$4" ]; then echo "max_tokens = $4"; fi
    done
  } >"$1"
}

# `app NAME CONFIG` starts switchboard in a fresh 200x50 tmux session with its own data folder
# ($tmp/NAME), waits for the first frame and for start-up work to finish; sets $app_pid, $app_home.
app() {
  app_home="$tmp/$1"
  mkdir -p "$app_home"
  T new-session -d -s "$1" -x 200 -y 50 -c "$app_home" \
    "exec env -u OPENROUTER_API_KEY -u SWITCHBOARD_CONFIG SWITCHBOARD_HOME='$app_home' '$bin' --config '$2'"
  app_pid=$(T display -p -t "$1" '#{pane_pid}')
  h wait-text "$1" "switchboard · session" 10 0.01 >/dev/null
  h settle "$app_pid"
}

# `sb_round NAME PANES TAGS [TAIL]`: types the prompt, sends it and follows the round to its end.
# TAGS is the JSON object the record starts from; TAIL, text to look for on screen at the end.
sb_round() {
  T send-keys -t "$1" -l "$prompt"
  h round "$1" "$app_pid" "$app_home/history.db" "$2" 120 "${4:-}" "$3" | tee -a "$results"
}

# Ctrl+L clears every conversation (and the panes), so the next round sends the same request.
sb_clear() {
  T send-keys -t "$1" C-l
  h settle "$app_pid"
}

fast_port=""
need_fast_sim() { if [ -z "$fast_port" ]; then sim_start 10000; fast_port=$sim_port; fi; }

# ---------------------------------------------------------------------------------------------
log "binary: $bin"
log "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"

if want cpu; then
  mark cpu
  need_fast_sim
  log "cpu: 10,000 tokens per pane into 1, 4 and 8 panes; a fresh process (cold), then a second round (warm); $runs runs"
  for n in 1 4 8; do config "$tmp/cpu$n.toml" "$fast_port" "$n" 10000; done
  for r in $(seq "$runs"); do
    for n in 1 4 8; do
      app "cpu$n-$r" "$tmp/cpu$n.toml"
      sb_round "cpu$n-$r" "$n" '{"part": "cpu", "phase": "cold"}'
      sb_clear "cpu$n-$r"
      sb_round "cpu$n-$r" "$n" '{"part": "cpu", "phase": "warm"}'
      kill_session "cpu$n-$r"
    done
  done
fi

if want idle; then
  mark idle
  need_fast_sim
  log "idle: 10 s with 4 panes open, fresh and after a 4 x 2,000-token round"
  config "$tmp/idle.toml" "$fast_port" 4 2000
  app idle "$tmp/idle.toml"
  h idle "$app_pid" 10 idle-fresh | tee -a "$results"
  T send-keys -t idle -l "$prompt"
  h round idle "$app_pid" "$app_home/history.db" 4 60 "" '{"part": "idle-round"}' >/dev/null
  h idle "$app_pid" 10 idle-after-round | tee -a "$results"
  kill_session idle
fi

if want startup; then
  mark startup
  log "startup: process start to first frame, 10 runs in tmux and 10 on a bare pty (default panes, in-process simulator)"
  d="$tmp/start"
  mkdir -p "$d"
  for r in $(seq 10); do
    h startup "start$r" "$d" \
      "bash -c 'echo \$EPOCHREALTIME >exec; exec env -u OPENROUTER_API_KEY -u SWITCHBOARD_CONFIG SWITCHBOARD_HOME=\"$d\" \"$bin\"'" \
      startup | tee -a "$results"
    kill_session "start$r"
  done
  h startup-pty "$bin" "$d" 10 startup-pty | tee -a "$results"
fi

if want mem; then
  mark mem
  need_fast_sim
  log "mem: 8 panes x 50,000 tokens"
  config "$tmp/mem.toml" "$fast_port" 8 50000
  app mem "$tmp/mem.toml"
  sb_round mem 8 '{"part": "mem"}'
  kill_session mem
fi

if want ttft; then
  mark ttft
  log "ttft: simulator at speed 1, sim/marathon with max_tokens 20, curl and switchboard run interleaved, 11 runs"
  sim_start 1
  slow_port=$sim_port
  config "$tmp/ttft.toml" "$slow_port" 1 20
  python3 -c 'import json,sys; json.dump({"model": "sim/marathon", "stream": True, "max_tokens": 20,
    "messages": [{"role": "user", "content": sys.argv[1]}]}, open(sys.argv[2], "w"))' "$prompt" "$tmp/body.json"
  mkdir -p "$tmp/ttft-home"
  # Round 0 of each is not counted: it warms files and sockets for both.
  for r in $(seq 0 11); do
    h curl-ttft "http://127.0.0.1:$slow_port/v1/chat/completions" "$tmp/body.json" ttft-curl >"$tmp/c.json"
    (cd "$tmp/ttft-home" && env -u OPENROUTER_API_KEY -u SWITCHBOARD_CONFIG SWITCHBOARD_HOME="$tmp/ttft-home" \
      "$bin" run --config "$tmp/ttft.toml" -p "$prompt" --format json >"$tmp/run.json" 2>/dev/null)
    h sb-ttft "$tmp/run.json" ttft-switchboard >"$tmp/s.json"
    if [ "$r" -gt 0 ]; then cat "$tmp/c.json" "$tmp/s.json" | tee -a "$results"; fi
  done
fi

if want aichat; then
  mark aichat
  need_fast_sim
  # The document's last characters, to check that both programs show the whole answer.
  python3 -c 'import json,sys; json.dump({"model": "sim/marathon",
    "messages": [{"role": "user", "content": sys.argv[1]}]}, open(sys.argv[2], "w"))' "$prompt" "$tmp/ref-body.json"
  curl -s "http://127.0.0.1:$fast_port/v1/chat/completions" -H 'content-type: application/json' \
    --data-binary "@$tmp/ref-body.json" >"$tmp/ref.json"
  tail_text=$(h reference "$tmp/ref.json")
  log "20,000-token answer (ends with '$tail_text'): switchboard, 1 pane, cold then warm, $runs runs"
  config "$tmp/one.toml" "$fast_port" 1 ""
  for r in $(seq "$runs"); do
    app "sb20k-$r" "$tmp/one.toml"
    sb_round "sb20k-$r" 1 '{"part": "answer20k", "who": "switchboard", "phase": "cold"}' "$tail_text"
    sb_clear "sb20k-$r"
    sb_round "sb20k-$r" 1 '{"part": "answer20k", "who": "switchboard", "phase": "warm"}' "$tail_text"
    kill_session "sb20k-$r"
  done
  if [ -n "$aichat" ] && [ -x "$aichat" ]; then
    log "the same answer in aichat's REPL: $aichat ($("$aichat" --version 2>/dev/null)), cold then warm, $runs runs"
    mkdir -p "$tmp/aichat"
    cat >"$tmp/aichat/config.yaml" <<YAML
model: sim:sim/marathon
stream: true
save: false
clients:
- type: openai-compatible
  name: sim
  api_base: http://127.0.0.1:$fast_port/v1
  api_key: x
  models:
  - name: sim/marathon
    max_input_tokens: 200000
YAML
    for r in $(seq "$runs"); do
      T new-session -d -s "ai$r" -x 200 -y 50 -c "$tmp/aichat" \
        "exec env -u OPENROUTER_API_KEY AICHAT_CONFIG_DIR='$tmp/aichat' '$aichat'"
      ai_pid=$(T display -p -t "ai$r" '#{pane_pid}')
      h wait-text "ai$r" "Welcome to aichat" 10 0.01 >/dev/null
      h settle "$ai_pid"
      for phase in cold warm; do
        if [ "$phase" = warm ]; then
          T send-keys -t "ai$r" C-l     # clears the screen, so the check sees the new answer
          h settle "$ai_pid"
        fi
        T send-keys -t "ai$r" -l "$prompt"
        h aichat-round "ai$r" "$ai_pid" "$tail_text" 120 \
          "{\"part\": \"answer20k\", \"who\": \"aichat\", \"phase\": \"$phase\"}" | tee -a "$results"
      done
      kill_session "ai$r"
    done
  else
    echo '{"part": "aichat-skipped", "why": "no aichat found (set AICHAT_BIN, or cargo install aichat --locked)"}' | tee -a "$results"
    log "aichat: skipped, no aichat binary (set AICHAT_BIN, or cargo install aichat --locked)"
  fi
fi

if want run; then
  mark run
  need_fast_sim
  # The whole 20,000-token document, the request body switchboard sends in substance.
  python3 -c 'import json,sys; json.dump({"model": "sim/marathon", "stream": True,
    "messages": [{"role": "user", "content": sys.argv[1]}]}, open(sys.argv[2], "w"))' "$prompt" "$tmp/run-body.json"
  config "$tmp/run.toml" "$fast_port" 1 ""
  mkdir -p "$tmp/run-home"
  n=$((runs * 3))
  log "run: the 20,000-token stream received by curl -N and by switchboard run, alternately, $n runs each"
  # Round 0 of each is not counted: it warms files and sockets for both.
  for r in $(seq 0 "$n"); do
    # curl throws what it receives away (-o /dev/null): the least a receiver can do with it.
    h cpu-of run curl "$tmp/curl.out" curl -sN "http://127.0.0.1:$fast_port/v1/chat/completions" \
      -H 'content-type: application/json' --data-binary "@$tmp/run-body.json" \
      -o /dev/null -w '%{size_download}' >"$tmp/c.json"
    # And writing it to a file, as `curl -N URL > FILE` does.
    h cpu-of run curl-file "$tmp/curl.sse" curl -sN "http://127.0.0.1:$fast_port/v1/chat/completions" \
      -H 'content-type: application/json' --data-binary "@$tmp/run-body.json" >"$tmp/f.json"
    (cd "$tmp/run-home" && env -u OPENROUTER_API_KEY -u SWITCHBOARD_CONFIG SWITCHBOARD_HOME="$tmp/run-home" \
      python3 "$tmp/h.py" cpu-of run switchboard "$tmp/run.json" \
      "$bin" run --config "$tmp/run.toml" -p "$prompt" --format json >"$tmp/s.json")
    h check-run "$tmp/run.json" 20000
    if [ "$r" -gt 0 ]; then cat "$tmp/c.json" "$tmp/f.json" "$tmp/s.json" | tee -a "$results"; fi
  done
fi

mark end
h report "$results"
