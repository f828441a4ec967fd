#!/usr/bin/env python3
"""A network link with delay, jitter and loss between two namespaces, for the WAN lab (topology.ts).

The lab's kernel may lack sch_netem (this one does), so the two ends of a link are TUN devices, one in
each namespace, and this process carries IP packets between them: each packet is dropped with the
link's loss probability, otherwise delivered after the one-way delay plus normally distributed jitter
(never before the packet ahead of it: a wire does not reorder). Both directions are shaped alike.

Usage: wire.py NS_A DEV_A NS_B DEV_B   (the TUN devices exist already: `ip tuntap add … mode tun`)
Shaping lines on stdin, any time: "DELAY_MS JITTER_MS LOSS_PCT". Prints "ready" once both ends are open.
Exits when stdin closes (its parent went away) or on SIGTERM.
"""
import ctypes
import fcntl
import heapq
import os
import random
import select
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
libc = ctypes.CDLL(None, use_errno=True)


def open_tun(netns: str, dev: str) -> int:
    with open(f"/run/netns/{netns}") as ns:
        if libc.setns(ns.fileno(), CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {netns}")
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", dev.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main() -> None:
    ns_a, dev_a, ns_b, dev_b = sys.argv[1:5]
    a = open_tun(ns_a, dev_a)
    b = open_tun(ns_b, dev_b)
    peer = {a: b, b: a}
    delay, jitter, loss = 0.0, 0.0, 0.0
    queue: list[tuple[float, int, int, bytes]] = []  # (due, order, fd to write, packet)
    last_due = {a: 0.0, b: 0.0}
    order = 0
    stdin = sys.stdin.fileno()
    print("ready", flush=True)
    while True:
        now = time.monotonic()
        timeout = max(0.0, queue[0][0] - now) if queue else None
        readable, _, _ = select.select([a, b, stdin], [], [], timeout)
        for fd in readable:
            if fd == stdin:
                line = sys.stdin.readline()
                if not line:
                    return
                delay, jitter, loss = (float(x) / d for x, d in zip(line.split(), (1000, 1000, 100)))
                continue
            for _ in range(64):
                try:
                    packet = os.read(fd, 65535)
                except BlockingIOError:
                    break
                if loss and random.random() < loss:
                    continue
                out = peer[fd]
                due = time.monotonic() + max(0.0, random.gauss(delay, jitter) if jitter else delay)
                due = max(due, last_due[out])
                last_due[out] = due
                order += 1
                heapq.heappush(queue, (due, order, out, packet))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, packet = heapq.heappop(queue)
            try:
                os.write(out, packet)
            except OSError:
                pass  # the device is going away with its namespace


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
