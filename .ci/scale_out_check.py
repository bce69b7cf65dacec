"""Scale-out: three `serve --http` replicas behind HAProxy (docs/haproxy.cfg, ports
moved to free ones) serving two tenants, under load from 100 clients (100 calls each),
one replica stopped with SIGTERM and then another killed with SIGKILL halfway.

Usage: scale_out_check.py CONNECTOR_BINARY FAKE_API_BINARY HAPROXY_CFG

Each tenant's key belongs to a different organization at the fake Admin API, so every
answer names whose key made the call. The copy of the HAProxy configuration gains one
line, a response header naming the replica that answered (or failed), so that each
outcome is attributed. The clients keep their connections alive, as MCP clients do, and
retry a call that got no answer (what a client may do for a read). Checks:
- no answer goes to the wrong tenant;
- calls in flight on the SIGTERM replica complete, it exits 0, and no call fails while
  it drains (the kill comes once it has exited, so failures are told apart by time);
- the only calls that fail are those the SIGKILLed replica never answered (in flight at
  the kill, or sent to it in the moment before HAProxy saw its connections close);
- a client that retries a failed call succeeds, so every call ends answered;
- the replica left keeps serving.
Uses only the standard library.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ACME_KEY = "sk-ant-admin01-acme-tenant-key-for-the-scale-out-check"
ACME_ORGANIZATION = "Acme Tenant Org"
BETA_KEY = "sk-ant-admin01-beta-tenant-key-for-the-scale-out-check"
BETA_ORGANIZATION = "Beta Tenant Org"
CLIENTS = 100
# Enough calls that the load outlasts the SIGTERM replica's lame duck (3 s) and drain,
# so the SIGKILL comes while calls are in flight.
CALLS_PER_CLIENT = 100
ATTEMPTS = 4
FAKE_LATENCY_MS = 100
TOKENS_PER_TENANT = 12


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr, flush=True)
        raise SystemExit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class Client:
    """One team member's MCP client: a kept-alive connection to HAProxy, reopened after a failure."""

    def __init__(self, port, token, organization):
        self.port, self.token, self.organization = port, token, organization
        self.connection = None

    def call(self, call_id):
        """One tools/call; (outcome, replica): outcome "ok", or what went wrong."""
        body = json.dumps({"jsonrpc": "2.0", "id": call_id, "method": "tools/call",
                           "params": {"name": "claude_code_get_org_info", "arguments": {}}})
        headers = {"authorization": f"Bearer {self.token}", "content-type": "application/json",
                   "accept": "application/json, text/event-stream"}
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request("POST", "/mcp", body=body, headers=headers)
            response = self.connection.getresponse()
            replica = response.getheader("x-served-by", "?")
            text = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return f"connection: {error!r}", "?"
        if response.status != 200:
            self.close()
            return f"HTTP {response.status}", replica
        try:
            answer = json.loads(text)
        except ValueError:
            return f"not JSON: {text[:200]!r}", replica
        result = answer.get("result") or {}
        name = (result.get("structuredContent") or {}).get("name")
        if answer.get("id") != call_id or result.get("isError") or name is None:
            return f"bad answer {answer}", replica
        if name != self.organization:
            return f"WRONG TENANT: expected {self.organization!r}, answered for {name!r}", replica
        return "ok", replica

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def summary(failed, kill):
    """Failures by what went wrong and where, with when they started and ended (s after the kill)."""
    groups = {}
    for _, _, _, started, ended, outcome, replica in failed:
        group = groups.setdefault((outcome.split("(")[0], replica), [])
        group.append((round(started - kill, 3), round(ended - kill, 3)))
    return "; ".join(f"{outcome} from {replica}: {len(times)}, first {min(times)}, last {max(times)}"
                     for (outcome, replica), times in groups.items())


def main(binary, fake_binary, haproxy_cfg):
    processes = []
    try:
        run(binary, fake_binary, haproxy_cfg, processes)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()


def start_replicas(binary, tenants, env, work, processes):
    ports = [free_port() for _ in range(3)]
    replicas = []
    for port in ports:
        log = open(os.path.join(work, f"replica-{port}.log"), "w")
        replica = subprocess.Popen([binary, "serve", "--http", f"127.0.0.1:{port}", "--tenants", tenants],
                                   env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
        processes.append(replica)
        replicas.append(replica)
    for port in ports:
        for _ in range(500):
            if get(f"http://127.0.0.1:{port}/healthz") == 200:
                break
            time.sleep(0.02)
        check(get(f"http://127.0.0.1:{port}/healthz") == 200, f"replica on {port} is up")
    return ports, replicas


def start_haproxy(haproxy_cfg, ports, work, processes):
    front = free_port()
    config = open(haproxy_cfg).read().replace("127.0.0.1:8080", f"127.0.0.1:{front}")
    for n, port in enumerate(ports, start=1):
        config = config.replace(f"127.0.0.1:808{n}", f"127.0.0.1:{port}")
    # For this check only: which replica answered (or failed) each request.
    config = config.replace("backend connectors\n", "backend connectors\n    http-after-response set-header x-served-by %s\n")
    config_path = os.path.join(work, "haproxy.cfg")
    with open(config_path, "w") as f:
        f.write(config)
    haproxy = subprocess.Popen(["haproxy", "-db", "-f", config_path],
                               stdout=open(os.path.join(work, "haproxy.log"), "w"), stderr=subprocess.STDOUT)
    processes.append(haproxy)
    for _ in range(500):
        if get(f"http://127.0.0.1:{front}/healthz") == 200:
            break
        time.sleep(0.02)
    check(get(f"http://127.0.0.1:{front}/healthz") == 200, "HAProxy is up")
    return front, haproxy


def run(binary, fake_binary, haproxy_cfg, processes):
    fake = subprocess.Popen([fake_binary, f"{ACME_KEY}={ACME_ORGANIZATION}", f"{BETA_KEY}={BETA_ORGANIZATION}"], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "FAKE_API_LATENCY_MS": str(FAKE_LATENCY_MS)})
    processes.append(fake)
    base_url = fake.stdout.readline().strip()
    check(base_url.startswith("http://127.0.0.1:"), f"fake API URL: {base_url!r}")

    def new_token():
        out = subprocess.run([binary, "token", "--json"], check=True, capture_output=True, text=True).stdout
        return json.loads(out)

    # Several tokens per tenant: HAProxy sends each token to one replica (a consistent
    # hash of Authorization), so many tokens spread the load over all three.
    acme_tokens = [new_token() for _ in range(TOKENS_PER_TENANT)]
    beta_tokens = [new_token() for _ in range(TOKENS_PER_TENANT)]
    work = tempfile.mkdtemp(prefix="ccc-scale-out-")
    key_file = os.path.join(work, "beta.key")
    with open(key_file, "w") as f:
        f.write(BETA_KEY + "\n")
    os.chmod(key_file, 0o600)
    tenants = os.path.join(work, "tenants.yaml")
    with open(tenants, "w") as f:
        f.write("tenants:\n"
                f"  - id: acme\n    token_sha256: [{', '.join(t['token_sha256'] for t in acme_tokens)}]\n"
                "    admin_key_env: ACME_ADMIN_KEY\n    read_only: true\n    max_concurrent_calls: 100\n"
                f"  - id: beta\n    token_sha256: [{', '.join(t['token_sha256'] for t in beta_tokens)}]\n"
                f"    admin_key_file: {key_file}\n    read_only: true\n    max_concurrent_calls: 100\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_CODE_CONNECTOR_", "ANTHROPIC_"))}
    env.update({"ACME_ADMIN_KEY": ACME_KEY, "CLAUDE_CODE_CONNECTOR_BASE_URL": base_url})

    ports, replicas = start_replicas(binary, tenants, env, work, processes)
    front, haproxy = start_haproxy(haproxy_cfg, ports, work, processes)
    names = {f"replica{n}": replica for n, replica in enumerate(replicas, start=1)}
    term_name, kill_name, kept_name = "replica2", "replica3", "replica1"

    # Every attempt: (client, call, attempt, started, ended, outcome, replica).
    attempts, lock = [], threading.Lock()
    finished = [0]
    signalled = {}

    def client_loop(n):
        tokens = acme_tokens if n % 2 == 0 else beta_tokens
        token = tokens[(n // 2) % TOKENS_PER_TENANT]["token"]
        organization = ACME_ORGANIZATION if n % 2 == 0 else BETA_ORGANIZATION
        client = Client(front, token, organization)
        for call in range(CALLS_PER_CLIENT):
            call_id = n * CALLS_PER_CLIENT + call
            for attempt in range(ATTEMPTS):
                started = time.monotonic()
                outcome, replica = client.call(call_id)
                ended = time.monotonic()
                with lock:
                    attempts.append((n, call_id, attempt, started, ended, outcome, replica))
                if outcome == "ok" or outcome.startswith("WRONG TENANT"):
                    break
                time.sleep(0.2 * (attempt + 1))
            with lock:
                finished[0] += 1
        client.close()

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(CLIENTS)]
    begun = time.monotonic()
    for thread in threads:
        thread.start()
    total = CLIENTS * CALLS_PER_CLIENT
    while True:
        with lock:
            if finished[0] >= total // 2:
                break
        time.sleep(0.01)
    # Halfway: SIGTERM one replica; once it has drained and exited, SIGKILL another,
    # so that any failure can be told apart by when it happened.
    signalled["term"] = time.monotonic()
    names[term_name].send_signal(signal.SIGTERM)
    term_code = names[term_name].wait(timeout=60)
    signalled["kill"] = time.monotonic()
    names[kill_name].send_signal(signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=300)
    wall = time.monotonic() - begun
    check(not any(thread.is_alive() for thread in threads), "every client finished")

    failed = [a for a in attempts if a[5] != "ok"]
    wrong = [a for a in attempts if a[5].startswith("WRONG TENANT")]
    check(not wrong, f"{len(wrong)} answers went to the wrong tenant, e.g. {wrong[:3]}")
    answered = {a[1] for a in attempts if a[5] == "ok"}
    check(len(answered) == total, f"{total - len(answered)} calls never answered, even retried, e.g. "
          f"{[a for a in failed if a[1] not in answered][:3]}")

    check(term_code == 0, f"the replica stopped with SIGTERM exits 0 (got {term_code})")
    drained = [a for a in attempts if a[6] == term_name and a[3] < signalled["term"] <= a[4]]
    check(drained and all(a[5] == "ok" for a in drained),
          f"calls in flight on the SIGTERM replica complete: {len(drained)} in flight, "
          f"{[a for a in drained if a[5] != 'ok'][:3]}")
    before_kill = [a for a in failed if a[4] < signalled["kill"]]
    check(not before_kill, f"no call failed while a replica drained after SIGTERM: {before_kill[:3]}; "
          f"{summary(failed, signalled['kill'])}")

    # A call on a replica that dies gets no answer: HAProxy closes a kept-alive client
    # connection without one (so that the client decides whether to send again), or
    # answers 502 on a connection's first request. Those in flight at the kill, and
    # those sent to it in the moment after, before HAProxy saw its connections close.
    lost = [a for a in failed
            if a[5].startswith("connection: RemoteDisconnected") or (a[5] == "HTTP 502" and a[6] == kill_name)]
    others = [a for a in failed if a not in lost]
    check(not others, f"{len(others)} failures were not calls left unanswered by the killed replica, "
          f"e.g. {others[:3]}; {summary(failed, signalled['kill'])}")
    check(failed, "the SIGKILLed replica had calls in flight (else the check proves nothing)")
    in_flight_at_kill = sum(1 for a in lost if a[3] < signalled["kill"])
    kept = names[kept_name]
    check(kept.poll() is None, "the replica left keeps serving")
    served_after = sum(1 for a in attempts if a[6] == kept_name and a[3] > signalled["kill"] and a[5] == "ok")
    check(served_after > 0, "the replica left answered calls after the others went")
    kept.send_signal(signal.SIGTERM)
    check(kept.wait(timeout=60) == 0, "a replica exits 0 on SIGTERM")
    haproxy.terminate()
    log = open(os.path.join(work, f"replica-{ports[1]}.log")).read()
    drained_said = re.search(r"waiting up to \d+ s for (\d+) calls in flight", log)
    check(drained_said is not None, f"the stopped replica says what it drained: {log}")
    shutil.rmtree(work, ignore_errors=True)
    print(f"scale-out: {total} calls from {CLIENTS} clients over 2 tenants through HAProxy to 3 replicas in "
          f"{wall:.1f} s. Halfway, SIGTERM to one: {len(drained)} calls in flight there (it said "
          f"{drained_said.group(1)}), all answered, exit 0; then SIGKILL to another: {len(lost)} calls got no "
          f"answer ({in_flight_at_kill} in flight at the kill, {len(lost) - in_flight_at_kill} sent to it in the "
          f"moment after), each answered when its client retried; no other call failed, no answer to the wrong "
          f"tenant")

if __name__ == "__main__":
    main(*sys.argv[1:4])
