"""Drive `serve --http` with a third-party MCP client: the official Python SDK's
Streamable HTTP client.

Usage: mcp_http_check.py CONNECTOR_BINARY FAKE_API_BINARY

Starts the fake Admin API (tests/fake-api, example `serve`) and the connector serving
two tenants over HTTP: acme (every tool, key from an environment variable) and beta
(read-only, key from a file, a different key). Checks what clients and operators see:
/healthz without a token, 401 without or with a wrong token, each tenant's tool list
and calls, a read-only tenant's write refused, SIGHUP token rotation, and SIGTERM
exiting 0. Exits non-zero with a message on any mismatch.
"""

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

FAKE_ADMIN_KEY = "sk-ant-admin01-fake-key-for-tests-0000"
BETA_KEY = "sk-ant-admin01-beta-tenant-key-for-the-http-check"


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr, flush=True)
        os._exit(1)  # at once: no task-group traceback; the child processes die with their pipes


def text_of(result):
    return "\n".join(block.text for block in result.content if getattr(block, "type", None) == "text")


def new_token(binary):
    out = subprocess.run([binary, "token", "--json"], check=True, capture_output=True, text=True).stdout
    printed = json.loads(out)
    return printed["token"], printed["token_sha256"]


def write_tenants(path, key_file, acme_hash, beta_hash):
    with open(path, "w") as f:
        f.write(
            "tenants:\n"
            f"  - id: acme\n    token_sha256: [{acme_hash}]\n    admin_key_env: ACME_ADMIN_KEY\n"
            f"  - id: beta\n    token_sha256: [{beta_hash}]\n    admin_key_file: {key_file}\n    read_only: true\n"
        )


def http_status(url, token=None, body=None):
    headers = {"content-type": "application/json", "accept": "application/json, text/event-stream"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}


async def session_check(url, token, expect_writes):
    client = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    async with client:
        async with streamable_http_client(url, http_client=client) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                check(init.server_info.name == "claude-code-connector", f"server name: {init.server_info.name}")
                names = {tool.name for tool in (await session.list_tools()).tools}
                check(("claude_code_create_invite" in names) == expect_writes, f"write tools listed: {sorted(names)}")
                users = await session.call_tool("claude_code_list_users", {"per_page": 2})
                check(not users.is_error, f"list_users: {text_of(users)}")
                check(len(users.structured_content["data"]) == 2, "two users on the page")
                invite_args = {"email": "http-check@example.com", "role": "user"}
                try:
                    invite = await session.call_tool("claude_code_create_invite", invite_args)
                    refused = bool(invite.is_error)
                    said = text_of(invite)
                except Exception as error:  # a JSON-RPC error: the tool is not this tenant's
                    refused, said = True, str(error)
                if expect_writes:
                    check(not refused, f"acme's create_invite: {said}")
                else:
                    check(refused and "read-only" in said, f"beta's write is refused as read-only: {said}")
                return len(names)


def main(binary, fake_binary):
    fake = subprocess.Popen([fake_binary, BETA_KEY], stdout=subprocess.PIPE, text=True)
    base_url = fake.stdout.readline().strip()
    check(base_url.startswith("http://127.0.0.1:"), f"fake API URL: {base_url!r}")

    work = tempfile.mkdtemp(prefix="ccc-http-check-")
    key_file = os.path.join(work, "beta.key")
    with open(key_file, "w") as f:
        f.write(BETA_KEY + "\n")
    os.chmod(key_file, 0o600)
    acme_token, acme_hash = new_token(binary)
    beta_token, beta_hash = new_token(binary)
    tenants = os.path.join(work, "tenants.yaml")
    write_tenants(tenants, key_file, acme_hash, beta_hash)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_CODE_CONNECTOR_", "ANTHROPIC_"))}
    env.update({"ACME_ADMIN_KEY": FAKE_ADMIN_KEY, "CLAUDE_CODE_CONNECTOR_BASE_URL": base_url})
    server = subprocess.Popen(
        [binary, "serve", "--http", "127.0.0.1:0", "--tenants", tenants],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = []
    url = None
    for line in server.stderr:
        log.append(line)
        if "serving MCP at " in line:
            url = line.split("serving MCP at ")[1].split()[0]
            break
    check(url is not None, "the server says where it serves: " + "".join(log))
    threading.Thread(target=lambda: log.extend(server.stderr), daemon=True).start()
    root = url.rsplit("/mcp", 1)[0]

    check(http_status(root + "/healthz")[0] == 200, "/healthz answers without a token")
    status, headers = http_status(url, None, LIST)
    check(status == 401, f"no token: {status}")
    check(headers.get("www-authenticate", headers.get("WWW-Authenticate", "")).startswith("Bearer"), "a Bearer challenge")
    check(http_status(url, "ccc_not-a-token", LIST)[0] == 401, "a wrong token is refused")

    tools = asyncio.run(session_check(url, acme_token, expect_writes=True))
    asyncio.run(session_check(url, beta_token, expect_writes=False))

    # Rotation: a new token for acme, SIGHUP, the old one stops working.
    rotated_token, rotated_hash = new_token(binary)
    write_tenants(tenants, key_file, rotated_hash, beta_hash)
    server.send_signal(signal.SIGHUP)
    for _ in range(500):
        if http_status(url, rotated_token, LIST)[0] == 200:
            break
        time.sleep(0.02)
    check(http_status(url, rotated_token, LIST)[0] == 200, "the new token works after SIGHUP")
    check(http_status(url, acme_token, LIST)[0] == 401, "the old token stopped working")
    asyncio.run(session_check(url, rotated_token, expect_writes=True))

    server.send_signal(signal.SIGTERM)
    code = server.wait(timeout=60)
    fake.kill()
    text = "".join(log)
    check(code == 0, f"SIGTERM exits 0, got {code}: {text}")
    for secret in (acme_token, beta_token, rotated_token, FAKE_ADMIN_KEY, BETA_KEY):
        check(secret not in text, "a token or key appears in the server's log")
    shutil.rmtree(work, ignore_errors=True)
    print(f"third-party client (python mcp SDK, Streamable HTTP): 2 tenants, {tools} tools, read-only refusal, 401s, rotation OK")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
