"""Install paths without Rust, driven by the official MCP Python SDK (stdio client):
the release .mcpb started the way Claude Desktop starts it, and `connect` directly.

Usage: install_check.py CONNECTOR_BINARY FAKE_API_BINARY HAPROXY_CFG BUNDLE_MCPB

Starts the fake Admin API (two organizations, one key each), two `serve --http` replicas
behind HAProxy (docs/haproxy.cfg, ports moved to free ones, the third replica left out)
serving two tenants, then checks:
- the bundle, unpacked with its Unix modes and its mcp_config substituted as the host
  does (`${__dirname}`, `${user_config.*}`, an unset value as empty, the linux override):
  sandbox on and no key answers from the demo organization; nothing filled in answers
  every call with what to fill in; server_url + team_token reaches the team server and
  answers with that tenant's organization; a wrong token fails within 10 s, clearly;
- `connect URL` directly, the same two ways.
Exits non-zero with a message on any mismatch. Kills everything it started.
"""

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

ACME_KEY = "sk-ant-admin01-acme-tenant-key-for-the-install-check"
ACME_ORGANIZATION = "Acme Install Org"
BETA_KEY = "sk-ant-admin01-beta-tenant-key-for-the-install-check"
BETA_ORGANIZATION = "Beta Install Org"
PROCESSES = []


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr, flush=True)
        for process in PROCESSES:
            if process.poll() is None:
                process.kill()
        os._exit(1)


def text_of(result):
    return "\n".join(block.text for block in result.content if getattr(block, "type", None) == "text")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_healthy(url, what):
    for _ in range(500):
        if healthy(url):
            return
        time.sleep(0.02)
    check(False, f"{what} answers {url}")


def clean_env():
    return {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_CODE_CONNECTOR_", "ANTHROPIC_"))}


def unpack(bundle, into):
    """Unpacks the .mcpb as Claude Desktop does (Unix modes kept); returns the manifest."""
    with zipfile.ZipFile(bundle) as archive:
        for info in archive.infolist():
            check(not info.filename.endswith("/"), f"files only in the bundle: {info.filename}")
            path = archive.extract(info, into)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(path, mode)
    with open(os.path.join(into, "manifest.json")) as f:
        return json.load(f)


def host_params(manifest, directory, user):
    """The command, arguments and environment Claude Desktop runs for these settings."""
    variables = {"__dirname": directory}
    for key, setting in manifest["user_config"].items():
        value = user.get(key, setting.get("default"))
        if isinstance(value, bool):
            value = "true" if value else "false"
        variables[f"user_config.{key}"] = "" if value is None else str(value)

    def substitute(text):
        return re.sub(r"\$\{([^}]+)\}", lambda m: variables.get(m.group(1), m.group(0)), text)

    config = dict(manifest["server"]["mcp_config"])
    config.update(config.get("platform_overrides", {}).get("linux", {}))
    env = clean_env()
    env.update({name: substitute(value) for name, value in config.get("env", {}).items()})
    return StdioServerParameters(command=substitute(config["command"]),
                                 args=[substitute(a) for a in config.get("args", [])], env=env, cwd=directory)


async def org_name(params, log):
    async with stdio_client(params, errlog=log) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            result = await session.call_tool("claude_code_get_org_info", {})
            return result


async def refused(params, log, what):
    """The handshake through a wrong token: a clear error within 10 s."""
    started = time.monotonic()
    try:
        async with asyncio.timeout(10):
            async with stdio_client(params, errlog=log) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
    except TimeoutError:
        check(False, f"{what}: no answer within 10 s")
    except Exception as error:  # the SDK raises McpError (or an exception group) carrying the message
        message = repr(error)
        took = time.monotonic() - started
        check("refused the team token" in message, f"{what}: a clear message, got {message}")
        check(took < 10, f"{what}: failed in {took:.1f} s")
        return took
    check(False, f"{what}: the handshake succeeded with a wrong token")


def start_team_server(binary, fake_binary, haproxy_cfg, work):
    fake = subprocess.Popen([fake_binary, f"{ACME_KEY}={ACME_ORGANIZATION}", f"{BETA_KEY}={BETA_ORGANIZATION}"],
                            stdout=subprocess.PIPE, text=True)
    PROCESSES.append(fake)
    base_url = fake.stdout.readline().strip()
    check(base_url.startswith("http://127.0.0.1:"), f"fake API URL: {base_url!r}")

    def new_token():
        return json.loads(subprocess.run([binary, "token", "--json"], check=True, capture_output=True,
                                         text=True).stdout)

    acme, beta = new_token(), new_token()
    tenants = os.path.join(work, "tenants.yaml")
    with open(tenants, "w") as f:
        f.write("tenants:\n"
                f"  - id: acme\n    token_sha256: [{acme['token_sha256']}]\n    admin_key_env: ACME_ADMIN_KEY\n"
                f"  - id: beta\n    token_sha256: [{beta['token_sha256']}]\n    admin_key_env: BETA_ADMIN_KEY\n"
                "    read_only: true\n")
    env = clean_env()
    env.update({"ACME_ADMIN_KEY": ACME_KEY, "BETA_ADMIN_KEY": BETA_KEY, "CLAUDE_CODE_CONNECTOR_BASE_URL": base_url})
    ports = [free_port(), free_port()]
    for port in ports:
        log = open(os.path.join(work, f"replica-{port}.log"), "w")
        PROCESSES.append(subprocess.Popen([binary, "serve", "--http", f"127.0.0.1:{port}", "--tenants", tenants],
                                          env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log))
    for port in ports:
        wait_healthy(f"http://127.0.0.1:{port}/healthz", f"replica on {port}")
    front = free_port()
    config = open(haproxy_cfg).read().replace("127.0.0.1:8080", f"127.0.0.1:{front}")
    config = config.replace("127.0.0.1:8081", f"127.0.0.1:{ports[0]}").replace("127.0.0.1:8082", f"127.0.0.1:{ports[1]}")
    config = "\n".join(line for line in config.splitlines() if "127.0.0.1:8083" not in line) + "\n"
    config_path = os.path.join(work, "haproxy.cfg")
    with open(config_path, "w") as f:
        f.write(config)
    PROCESSES.append(subprocess.Popen(["haproxy", "-db", "-f", config_path],
                                      stdout=open(os.path.join(work, "haproxy.log"), "w"), stderr=subprocess.STDOUT))
    wait_healthy(f"http://127.0.0.1:{front}/healthz", "HAProxy")
    return f"http://127.0.0.1:{front}/mcp", acme["token"], beta["token"]


async def main(binary, fake_binary, haproxy_cfg, bundle):
    work = tempfile.mkdtemp(prefix="ccc-install-check-")
    log = open(os.path.join(work, "servers.log"), "w")
    directory = os.path.join(work, "extension")
    manifest = unpack(bundle, directory)
    check(manifest["compatibility"]["platforms"] == ["linux"] or "linux" in manifest["compatibility"]["platforms"],
          f"the bundle serves linux: {manifest['compatibility']}")

    # Sandbox on, no key: the demo organization.
    result = await org_name(host_params(manifest, directory, {"sandbox": True}), log)
    check(not result.is_error and text_of(result).startswith("Sandbox data"), f"sandbox: {text_of(result)}")
    print("bundle, sandbox=true and no key: answers from the demo organization")

    # Nothing filled in: every call says what to fill in.
    result = await org_name(host_params(manifest, directory, {}), log)
    check(result.is_error and "not set up yet" in text_of(result) and "Admin API key" in text_of(result),
          f"unconfigured: {text_of(result)}")
    print("bundle, nothing filled in: the call says what to fill in")

    url, acme_token, beta_token = start_team_server(binary, fake_binary, haproxy_cfg, work)
    for token, organization in [(acme_token, ACME_ORGANIZATION), (beta_token, BETA_ORGANIZATION)]:
        user = {"server_url": url, "team_token": token}
        result = await org_name(host_params(manifest, directory, user), log)
        name = (result.structured_content or {}).get("name")
        check(not result.is_error and name == organization, f"bundle via the team server: {name!r}, {text_of(result)}")
        direct = StdioServerParameters(command=binary, args=["connect", url],
                                       env={**clean_env(), "CLAUDE_CODE_CONNECTOR_TEAM_TOKEN": token})
        result = await org_name(direct, log)
        name = (result.structured_content or {}).get("name")
        check(not result.is_error and name == organization, f"connect: {name!r}, {text_of(result)}")
        print(f"bundle with server_url/team_token and connect: {organization} through HAProxy and two replicas")

    took = await refused(host_params(manifest, directory, {"server_url": url, "team_token": "ccc_wrong"}), log,
                         "bundle with a wrong token")
    print(f"bundle with a wrong token: refused clearly in {took:.2f} s")
    direct = StdioServerParameters(command=binary, args=["connect", url],
                                   env={**clean_env(), "CLAUDE_CODE_CONNECTOR_TEAM_TOKEN": "ccc_wrong"})
    took = await refused(direct, log, "connect with a wrong token")
    print(f"connect with a wrong token: refused clearly in {took:.2f} s")


if __name__ == "__main__":
    try:
        asyncio.run(main(*sys.argv[1:5]))
    finally:
        for process in PROCESSES:
            if process.poll() is None:
                process.kill()
