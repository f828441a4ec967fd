#!/usr/bin/env bash
# Runs a command (the test suite, the benchmarks) inside a private lab: its own network, mount and PID
# namespaces, so that
#  - every daemon the tests start (pcscd + vpcd, brokers, the panel) is reachable on 127.0.0.1 only;
#  - pcscd, whose socket path /run/pcscd/pcscd.comm is compiled in, gets a private /run/pcscd;
#  - the onoff GPIO driver, whose /sys/class/gpio path is compiled in, sees a fake sysfs tree (tmpfs)
#    that tests populate with fake gpiochips instead of the host's real GPIO;
#  - no process a test started outlives the run: when the lab's first process exits, the kernel kills
#    everything left in its PID namespace, so a leaked daemon cannot hold CI's output pipe open;
#  - temporary files of the run are removed when it ends;
#  - the run is bounded: after PORTVAKT_LAB_TIMEOUT_S (default 1800) it is stopped, the processes still
#    alive are listed, and the exit code is 124.
# Needs root (CI and the dev machines run as root). Usage: scripts/lab/in-lab-ns.sh <command...>
set -euo pipefail
if [[ "${PORTVAKT_LAB_NS:-}" != 1 ]]; then
  if [[ "$(id -u)" != 0 ]]; then
    echo "in-lab-ns: must run as root (unshare of network, mount and PID namespaces)" >&2
    exit 1
  fi
  exec env PORTVAKT_LAB_NS=1 unshare --mount --propagation private --net --pid --fork --mount-proc "$0" "$@"
fi
ip link set lo up
# vpcd sends its 2-byte length and the payload in two writes without TCP_NODELAY; quickack on this
# namespace's loopback routes removes the Nagle + delayed-ACK stall (~44 ms per APDU).
ip route change local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 table local quickack 1 2>/dev/null || true
ip route change local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 table local quickack 1 2>/dev/null || true
mkdir -p /run/pcscd
mount -t tmpfs -o mode=0755 tmpfs /run/pcscd
# /sys/class/gpio does not exist on kernels without sysfs GPIO, and /sys itself is read-only: mount a
# tmpfs over /sys/class in this namespace only and create the gpio directory in it.
mount -t tmpfs -o mode=0755 tmpfs /sys/class
mkdir -p /sys/class/gpio
# Every temporary file of the run lives under one directory that goes when the run ends.
lab_tmp="$(mktemp -d "${TMPDIR:-/tmp}/portvakt-lab.XXXXXX")"
export TMPDIR="$lab_tmp"
# Not exec: this shell stays PID 1 of the namespace, reaps orphans, and reports a run that overstays
# (listing what still runs before anything is killed, so the log shows where it hung).
limit="${PORTVAKT_LAB_TIMEOUT_S:-1800}"
"$@" &
main=$!
(
  sleep "$limit"
  touch "$lab_tmp.timed-out"
  echo "in-lab-ns: '$*' did not finish within ${limit} s; processes still running:" >&2
  ps -eo pid,ppid,etimes,stat,wchan:24,args >&2 || true
  kill -TERM "$main" 2>/dev/null
  sleep 30
  kill -KILL "$main" 2>/dev/null
) &
watchdog=$!
set +e
wait "$main"
rc=$?
set -e
kill "$watchdog" 2>/dev/null || true
if [[ -e "$lab_tmp.timed-out" ]]; then
  rm -f "$lab_tmp.timed-out"
  rc=124
fi
rm -rf "$lab_tmp"
exit "$rc"
