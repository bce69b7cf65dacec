"""Scale-out: three `serve --http` replicas behind HAProxy (docs/haproxy.cfg, ports
moved to free ones), under load, one replica stopped with SIGTERM mid-load.

Usage: scale_out_check.py CONNECTOR_BINARY FAKE_API_BINARY HAPROXY_CFG

Checks that every call made through HAProxy is answered (the stopped replica finishes
what it has in flight, HAProxy sends the rest elsewhere), that the stopped replica
exits 0, and that the other two keep serving. Uses only the standard library.
"""

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

FAKE_ADMIN_KEY = "sk-ant-admin01-fake-key-for-tests-0000"
WORKERS = 8


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


def call(url, token):
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "claude_code_list_users", "arguments": {"per_page": 1}}}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "authorization": f"Bearer {token}",
        "content-type": "application/json",
        "accept": "application/json, text/event-stream",
    })
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
            ok = response.status == 200 and "result" in answer and not answer["result"].get("isError")
            return "ok" if ok else f"bad answer {answer}"
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except OSError as error:
        return f"connection: {error}"


def main(binary, fake_binary, haproxy_cfg):
    processes = []
    try:
        run(binary, fake_binary, haproxy_cfg, processes)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()


def run(binary, fake_binary, haproxy_cfg, processes):
    fake = subprocess.Popen([fake_binary], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "FAKE_API_LATENCY_MS": "150"})
    processes.append(fake)
    base_url = fake.stdout.readline().strip()
    token = json.loads(subprocess.run([binary, "token", "--json"], check=True, capture_output=True, text=True).stdout)

    work = tempfile.mkdtemp(prefix="ccc-scale-out-")
    tenants = os.path.join(work, "tenants.yaml")
    with open(tenants, "w") as f:
        f.write(f"tenants:\n  - id: team\n    token_sha256: [{token['token_sha256']}]\n"
                "    admin_key_env: TEAM_ADMIN_KEY\n    max_concurrent_calls: 64\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_CODE_CONNECTOR_", "ANTHROPIC_"))}
    env.update({"TEAM_ADMIN_KEY": FAKE_ADMIN_KEY, "CLAUDE_CODE_CONNECTOR_BASE_URL": base_url})

    front, ports = free_port(), [free_port() for _ in range(3)]
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

    config = open(haproxy_cfg).read().replace("127.0.0.1:8080", f"127.0.0.1:{front}")
    for n, port in enumerate(ports, start=1):
        config = config.replace(f"127.0.0.1:808{n}", f"127.0.0.1:{port}")
    config_path = os.path.join(work, "haproxy.cfg")
    with open(config_path, "w") as f:
        f.write(config)
    haproxy = subprocess.Popen(["haproxy", "-db", "-f", config_path],
                               stdout=open(os.path.join(work, "haproxy.log"), "w"), stderr=subprocess.STDOUT)
    processes.append(haproxy)
    url = f"http://127.0.0.1:{front}/mcp"
    for _ in range(500):
        if get(f"http://127.0.0.1:{front}/healthz") == 200:
            break
        time.sleep(0.02)
    check(get(f"http://127.0.0.1:{front}/healthz") == 200, "HAProxy is up")

    results, lock, stop = [], threading.Lock(), threading.Event()

    def worker():
        while not stop.is_set():
            outcome = call(url, token["token"])
            with lock:
                results.append(outcome)

    def done():
        with lock:
            return len(results)

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    while done() < 40:
        time.sleep(0.05)
    stopped = replicas[1]
    stopped.send_signal(signal.SIGTERM)
    code = stopped.wait(timeout=60)
    after = done()
    while done() < after + 80:
        time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)

    failures = [r for r in results if r != "ok"]
    check(code == 0, f"the replica stopped with SIGTERM exits 0 (got {code})")
    check(not failures, f"{len(failures)} of {len(results)} calls failed, e.g. {failures[:3]}")
    for replica in (replicas[0], replicas[2]):
        check(replica.poll() is None, "the other replicas keep serving")
        replica.send_signal(signal.SIGTERM)
        check(replica.wait(timeout=60) == 0, "a replica exits 0 on SIGTERM")
    haproxy.terminate()
    log = open(os.path.join(work, f"replica-{ports[1]}.log")).read()
    in_flight = re.search(r"waiting up to \d+ s for (\d+) calls in flight", log)
    check(in_flight is not None, f"the stopped replica says what it drained: {log}")
    shutil.rmtree(work, ignore_errors=True)
    print(f"scale-out: {len(results)} calls through HAProxy to 3 replicas, one stopped mid-load with "
          f"{in_flight.group(1)} calls in flight; none failed, it exited 0")


if __name__ == "__main__":
    main(*sys.argv[1:4])
