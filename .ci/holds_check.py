"""A team server that holds (issue 23), on the release binary, with real neighbours:

1. flood: 1,100 idle connections against a replica whose file-descriptor limit is 1,024
   (soft and hard, so it cannot raise it): a tenant's call and /healthz still answer
   within 2 s, and half-sent headers are closed within the header timeout;
2. fairness: tenant A keeps its 16 allowed year-long reports in flight (the fake with
   latency, no cache); tenant B's get_org_info median stays within 5x its idle median;
3. rolling restart behind HAProxy (docs/haproxy.cfg): SIGTERM each of three replicas
   in turn (and start it again) while 100 clients call, ten of them sending their next
   call the moment the signal lands: zero failed calls, over RUNS runs (no retries);
4. affinity: the same tenant's repeated question through HAProxy to three replicas is
   answered from cache (the fake counts the requests that reach it), and moves to
   another replica when its own is stopped.

Usage: holds_check.py CONNECTOR_BINARY FAKE_API_BINARY HAPROXY_CFG [RUNS]
Prints the figures docs/serving.md records. Uses only the standard library.
"""

import http.client
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ACME_KEY = "sk-ant-admin01-acme-tenant-key-for-the-holds-check"
BETA_KEY = "sk-ant-admin01-beta-tenant-key-for-the-holds-check"
TOKENS_PER_TENANT = 12


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr, flush=True)
        raise SystemExit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, token=None, timeout=10, connection=None):
    """(status, headers dict, body text); a kept-alive `connection` may be given."""
    own = connection is None
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"host": "localhost"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    if body is not None:
        headers.update({"content-type": "application/json", "accept": "application/json, text/event-stream"})
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        if own:
            conn.close()


def tool_call(name, arguments, call_id=1):
    return json.dumps({"jsonrpc": "2.0", "id": call_id, "method": "tools/call",
                       "params": {"name": name, "arguments": arguments}})


def answered(status, text):
    if status != 200:
        return False
    try:
        result = json.loads(text).get("result") or {}
    except ValueError:
        return False
    return not result.get("isError")


def wait_healthy(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.02)
    check(False, f"replica on {port} is up")


class World:
    """The fake Admin API, two tenants with several tokens each, and what was started."""

    def __init__(self, binary, fake_binary, latency_ms, seats=None):
        self.binary, self.processes = binary, []
        self.work = tempfile.mkdtemp(prefix="ccc-holds-")
        fake = subprocess.Popen([fake_binary, f"{ACME_KEY}=Acme Org", f"{BETA_KEY}=Beta Org"],
                                stdout=subprocess.PIPE, text=True,
                                env={**os.environ, "FAKE_API_LATENCY_MS": str(latency_ms), "FAKE_API_STATS": "1",
                                     **({"FAKE_API_SEATS": str(seats)} if seats else {})})
        self.processes.append(fake)
        self.base_url = fake.stdout.readline().strip()
        self.stats_port = int(fake.stdout.readline().strip().rsplit(":", 1)[1].strip("/"))
        check(self.base_url.startswith("http://127.0.0.1:"), f"fake API URL: {self.base_url!r}")
        self.tokens = {"acme": [self.new_token() for _ in range(TOKENS_PER_TENANT)],
                       "beta": [self.new_token() for _ in range(TOKENS_PER_TENANT)]}
        # The default bound on calls in flight (16) for fairness; 100 for the load of
        # the rolling restart, where "busy" answers would count as failures.
        self.tenants = {calls: self.write_tenants(calls) for calls in (16, 100)}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_CODE_CONNECTOR_", "ANTHROPIC_"))}
        self.env.update({"ACME_ADMIN_KEY": ACME_KEY, "BETA_ADMIN_KEY": BETA_KEY,
                         "CLAUDE_CODE_CONNECTOR_BASE_URL": self.base_url})

    def write_tenants(self, max_calls):
        path = os.path.join(self.work, f"tenants-{max_calls}.yaml")
        with open(path, "w") as f:
            f.write("tenants:\n")
            for tenant, variable in (("acme", "ACME_ADMIN_KEY"), ("beta", "BETA_ADMIN_KEY")):
                hashes = ", ".join(t["token_sha256"] for t in self.tokens[tenant])
                f.write(f"  - id: {tenant}\n    token_sha256: [{hashes}]\n    admin_key_env: {variable}\n"
                        f"    read_only: true\n    max_concurrent_calls: {max_calls}\n")
        return path

    def new_token(self):
        out = subprocess.run([self.binary, "token", "--json"], check=True, capture_output=True, text=True).stdout
        return json.loads(out)

    def upstream_requests(self):
        return int(request(self.stats_port, "GET", "/")[2])

    def replica(self, port, extra=(), nofile=None, max_calls=100):
        log = open(os.path.join(self.work, f"replica-{port}.log"), "a")
        limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))) if nofile else None
        process = subprocess.Popen([self.binary, "serve", "--http", f"127.0.0.1:{port}", "--tenants", self.tenants[max_calls],
                                    *extra], env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=log, preexec_fn=limit)
        self.processes.append(process)
        wait_healthy(port)
        return process

    def log(self, port):
        return open(os.path.join(self.work, f"replica-{port}.log")).read()

    def haproxy(self, haproxy_cfg, ports):
        front = free_port()
        config = open(haproxy_cfg).read().replace("127.0.0.1:8080", f"127.0.0.1:{front}")
        for n, port in enumerate(ports, start=1):
            config = config.replace(f"127.0.0.1:808{n}", f"127.0.0.1:{port}")
        config = config.replace("backend connectors\n",
                                "backend connectors\n    http-after-response set-header x-served-by %s\n")
        path = os.path.join(self.work, f"haproxy-{front}.cfg")
        with open(path, "w") as f:
            f.write(config)
        process = subprocess.Popen(["haproxy", "-db", "-f", path], stdout=open(path + ".log", "w"),
                                   stderr=subprocess.STDOUT)
        self.processes.append(process)
        wait_healthy(front)
        time.sleep(2.5)  # every replica's checks pass (rise 2)
        return front, process

    def close(self):
        for process in self.processes:
            if process.poll() is None:
                process.kill()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def flood(world):
    """1,100 idle connections under a 1,024 fd limit; half-sent headers closed in time."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 1400 if hard == resource.RLIM_INFINITY else min(hard, 1400)
    check(wanted >= 1200, f"this process may open 1,200 files (hard limit {hard})")
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    port = free_port()
    replica = world.replica(port, ["--header-timeout", "3"], nofile=1024)
    check("RLIMIT_NOFILE 1024" in world.log(port), f"the replica warns of the fd limit: {world.log(port)}")
    idle = []
    for _ in range(1100):
        s = socket.socket()
        s.settimeout(2)
        try:
            s.connect(("127.0.0.1", port))
            idle.append(s)
        except OSError:
            s.close()
    token = world.tokens["acme"][0]["token"]
    started = time.monotonic()
    status, _, text = request(port, "POST", "/mcp", tool_call("claude_code_get_org_info", {}), token, timeout=10)
    call_s = time.monotonic() - started
    started = time.monotonic()
    health = request(port, "GET", "/healthz", timeout=10)[0]
    health_s = time.monotonic() - started
    check(answered(status, text) and call_s < 2, f"a tenant's call answers within 2 s: {status} in {call_s:.2f} s")
    check(health == 200 and health_s < 2, f"/healthz answers within 2 s: {health} in {health_s:.2f} s")
    half = socket.create_connection(("127.0.0.1", port))
    half.sendall(b"POST /mcp HTTP/1.1\r\nHost: localhost\r\nAuthoriz")
    half.settimeout(8)
    started = time.monotonic()
    try:
        closed = half.recv(1) == b""
    except OSError:
        closed = True
    half_s = time.monotonic() - started
    check(closed and half_s < 3 + 2, f"half-sent headers closed within the header timeout (3 s): {half_s:.1f} s")
    for s in idle:
        s.close()
    replica.send_signal(signal.SIGTERM)
    check(replica.wait(timeout=60) == 0, "the flooded replica exits 0 on SIGTERM")
    print(f"flood: {len(idle)} idle connections under RLIMIT_NOFILE 1024: a tenant's call answered in "
          f"{call_s * 1000:.0f} ms, /healthz in {health_s * 1000:.0f} ms; half-sent headers closed after "
          f"{half_s:.1f} s (--header-timeout 3)", flush=True)


def fairness(world):
    """Tenant A at its limit with year-long reports; tenant B's short call."""
    port = free_port()
    replica = world.replica(port, ["--no-cache"], max_calls=16)
    b_token = world.tokens["beta"][0]["token"]

    def b_median(samples=25):
        times = []
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for n in range(samples):
            started = time.monotonic()
            status, _, text = request(port, "POST", "/mcp", tool_call("claude_code_get_org_info", {}, n), b_token,
                                      connection=conn)
            times.append(time.monotonic() - started)
            check(answered(status, text), f"tenant B's call answered: {status} {text[:200]}")
            time.sleep(0.05)
        conn.close()
        return statistics.median(times)

    idle = b_median()
    stop = threading.Event()
    reports = [0]

    def tenant_a(n):
        token = world.tokens["acme"][n % TOKENS_PER_TENANT]["token"]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        while not stop.is_set():
            body = tool_call("claude_code_get_code_analytics", {"start_date": "2025-03-05", "end_date": "2026-03-04"}, n)
            status, _, text = request(port, "POST", "/mcp", body, token, connection=conn)
            if answered(status, text):
                reports[0] += 1
    threads = [threading.Thread(target=tenant_a, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    loaded = b_median()
    rss = rss_mib(replica.pid)
    stop.set()
    for thread in threads:
        thread.join(timeout=300)
    replica.send_signal(signal.SIGTERM)
    check(replica.wait(timeout=60) == 0, "the replica exits 0 on SIGTERM")
    ratio = loaded / idle
    print(f"fairness: tenant B's get_org_info p50 {idle * 1000:.0f} ms idle, {loaded * 1000:.0f} ms while tenant A "
          f"keeps 16 year-long reports in flight ({ratio:.1f}x; {reports[0]} reports finished); RSS {rss:.1f} MiB",
          flush=True)
    check(ratio <= 5, f"tenant B's median stays within 5x its idle median: {ratio:.1f}x")


def rolling_restart(world, haproxy_cfg, run):
    """SIGTERM each replica in turn under load, starting it again: no call may fail."""
    ports = [free_port() for _ in range(3)]
    replicas = [world.replica(port) for port in ports]
    front, haproxy = world.haproxy(haproxy_cfg, ports)
    stop, pounce = threading.Event(), threading.Event()
    lock = threading.Lock()
    outcomes = {"ok": 0, "failed": []}

    def client(n):
        tenant = "acme" if n % 2 == 0 else "beta"
        token = world.tokens[tenant][(n // 2) % TOKENS_PER_TENANT]["token"]
        conn = http.client.HTTPConnection("127.0.0.1", front, timeout=60)
        call = 0
        while not stop.is_set():
            if n < 10:  # the pouncers: their next call goes the moment a signal lands
                pounce.wait(timeout=1)
                if not pounce.is_set():
                    continue
            call += 1
            try:
                status, headers, text = request(front, "POST", "/mcp", tool_call("claude_code_get_org_info", {}, call),
                                                token, connection=conn)
                ok, where = answered(status, text), headers.get("x-served-by", "?")
            except (OSError, http.client.HTTPException) as error:
                ok, status, where, text = False, repr(error), "?", ""
            with lock:
                if ok:
                    outcomes["ok"] += 1
                else:
                    outcomes["failed"].append((n, status, where, text[:200]))
            if not ok:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", front, timeout=60)
            if n < 10:
                time.sleep(0.3)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(100)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    for i, port in enumerate(ports):
        pounce.clear()
        replicas[i].send_signal(signal.SIGTERM)
        pounce.set()
        code = replicas[i].wait(timeout=60)
        check(code == 0, f"replica on {port} exits 0 after SIGTERM (got {code})")
        replicas[i] = world.replica(port)
        time.sleep(2.5)  # HAProxy sees it up again (rise 2) before the next one goes
    pounce.set()
    time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    failed = outcomes["failed"]
    print(f"rolling restart {run}: {outcomes['ok']} calls answered, {len(failed)} failed, while each of 3 replicas "
          f"behind HAProxy was stopped with SIGTERM and started again", flush=True)
    check(not failed, f"no call fails during a rolling restart: {failed[:5]}")
    haproxy.terminate()
    haproxy.wait(timeout=10)
    for replica in replicas:
        replica.send_signal(signal.SIGTERM)
        replica.wait(timeout=60)


def affinity(world, haproxy_cfg):
    """A tenant's repeated question reaches the replica that cached it, and fails over."""
    ports = [free_port() for _ in range(3)]
    replicas = dict(zip(ports, (world.replica(port) for port in ports)))
    front, haproxy = world.haproxy(haproxy_cfg, ports)
    token = world.tokens["acme"][0]["token"]
    question = tool_call("claude_code_get_code_analytics", {"start_date": "2026-02-01", "end_date": "2026-02-14"})
    before = world.upstream_requests()
    served_by = set()
    for n in range(6):
        status, headers, text = request(front, "POST", "/mcp", question, token, timeout=60)
        check(answered(status, text), f"the question is answered: {status} {text[:200]}")
        served_by.add(headers.get("x-served-by"))
        if n == 0:
            first = world.upstream_requests() - before
    repeated = world.upstream_requests() - before - first
    check(first > 0, "the first answer was fetched from the Admin API")
    check(len(served_by) == 1 and repeated == 0,
          f"the same tenant's question is answered from the cache of one replica: replicas {served_by}, "
          f"{repeated} upstream requests after the first answer")
    home = int(served_by.pop()[-1])
    replicas[ports[home - 1]].send_signal(signal.SIGTERM)
    replicas[ports[home - 1]].wait(timeout=60)
    time.sleep(0.5)
    status, headers, text = request(front, "POST", "/mcp", question, token, timeout=60)
    moved = headers.get("x-served-by")
    check(answered(status, text) and moved != f"replica{home}",
          f"with its replica down the tenant is served by another: {status} {moved}")
    print(f"affinity: 6 asks of one tenant through HAProxy to 3 replicas, all answered by replica{home}: "
          f"{first} upstream requests for the first, {repeated} for the 5 repeats; with replica{home} stopped, "
          f"{moved} answered", flush=True)
    haproxy.terminate()
    haproxy.wait(timeout=10)
    for process in replicas.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


def main(binary, fake_binary, haproxy_cfg, runs="3"):
    large = World(binary, fake_binary, latency_ms=20, seats=int(os.environ.get("HOLDS_SEATS", "60")))
    try:
        fairness(large)
    finally:
        large.close()
    world = World(binary, fake_binary, latency_ms=20)
    try:
        flood(world)
        for run in range(1, int(runs) + 1):
            rolling_restart(world, haproxy_cfg, run)
        affinity(world, haproxy_cfg)
    finally:
        world.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
