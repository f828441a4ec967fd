#!/usr/bin/env bash
# Runs a command (the test suite) inside a private lab: its own network namespace with only loopback
# and its own mount namespace, so that
#  - every daemon the tests start (pcscd + vpcd, brokers, the panel) is reachable on 127.0.0.1 only;
#  - pcscd, whose socket path /run/pcscd/pcscd.comm is compiled in, gets a private /run/pcscd;
#  - the onoff GPIO driver, whose /sys/class/gpio path is compiled in, sees a fake sysfs tree (tmpfs)
#    that tests populate with fake gpiochips instead of the host's real GPIO.
# Needs root (CI and the dev machines run as root). Usage: scripts/lab/in-lab-ns.sh <command...>
set -euo pipefail
if [[ "${PORTVAKT_LAB_NS:-}" != 1 ]]; then
  if [[ "$(id -u)" != 0 ]]; then
    echo "in-lab-ns: must run as root (unshare of network and mount namespaces)" >&2
    exit 1
  fi
  exec env PORTVAKT_LAB_NS=1 unshare --mount --propagation private --net --fork "$0" "$@"
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
exec "$@"
