#!/usr/bin/env python3
"""Memory of `serve --http` after clients hang up mid-fetch (docs/serving.md).

Usage: hangups_measure.py CONNECTOR_BINARY FAKE_API_BINARY [HANGUPS]

Starts the fake Admin API (200 ms per answer) and one replica, then sends HANGUPS
(1,200 by default) tools/call requests for a month of the Claude Code report, each
closed 50 ms after it was sent, while the replica is fetching its days. Prints the
replica's resident memory (VmRSS) before and after (after a first 100 hang-ups as a
warm-up, so allocator arenas and the cache's first entries are counted in the
baseline), and fails when it grew by more than 8 MiB: a fetch cancelled by a hang-up
must leave nothing behind (the cache's single-flight gate is freed by a drop guard).
A measurement, not a timed test: it asserts memory, never time.
"""

import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from holds_check import World, check, free_port, tool_call, wait_healthy  # noqa: E402

BUDGET_KIB = 8 * 1024


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def hang_up(port, token, day):
    body = tool_call("claude_code_get_code_analytics",
                     {"start_date": f"2026-{1 + day % 9:02d}-01", "end_date": f"2026-{1 + day % 9:02d}-28"})
    request = (f"POST /mcp HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer {token}\r\n"
               "content-type: application/json\r\naccept: application/json, text/event-stream\r\n"
               f"content-length: {len(body)}\r\n\r\n{body}")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request.encode())
        time.sleep(0.05)


def hang_ups(port, tokens, count, parallel=40):
    def worker(start):
        for n in range(start, count, parallel):
            try:
                hang_up(port, tokens[n % len(tokens)], n)
            except OSError:
                pass
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main():
    binary, fake_binary = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1200
    world = World(binary, fake_binary, latency_ms=200)
    try:
        port = free_port()
        replica = world.replica(port, max_calls=100)
        wait_healthy(port)
        tokens = [t["token"] for t in world.tokens["acme"]]
        hang_ups(port, tokens, 100)
        time.sleep(3)
        before = rss_kib(replica.pid)
        started = time.monotonic()
        hang_ups(port, tokens, count)
        time.sleep(3)
        after = rss_kib(replica.pid)
        grew = after - before
        print(f"{count} hang-ups in {time.monotonic() - started:.1f} s: VmRSS {before / 1024:.1f} MiB before, "
              f"{after / 1024:.1f} MiB after, grew {grew / 1024:.1f} MiB (budget 8 MiB)")
        check(grew <= BUDGET_KIB, f"VmRSS grew {grew} KiB after {count} hang-ups, over 8 MiB")
    finally:
        for process in world.processes:
            process.kill()


if __name__ == "__main__":
    main()
