"""Sign in from Claude, end to end: two `serve --http` replicas behind HAProxy sharing a
Redis store, a real OpenID Connect provider (`oidc-provider` from npm) with test people,
and the official MCP Python SDK's OAuth client (`OAuthClientProvider`: discovery,
registration, PKCE, token, refresh). The provider's login and consent forms (and the
server's tenant choice page) are submitted by HTTP, as a person's browser would.

Usage: oauth_check.py CONNECTOR FAKE_API_SERVE HAPROXY_CFG NODE_DIR REDIS_SERVER

Checks:
- the metadata documents a connector fetches (RFC 9728, RFC 8414);
- SDK client -> metadata -> registration -> PKCE -> login as a person of tenant acme ->
  a tool call answered with acme's organization (the fake Admin API sees acme's key);
  the access token expires and the SDK refreshes it; same through a client ID metadata
  document (CIMD) instead of registration;
- a token minted by one replica is accepted by the other; a refresh token used on one is
  refused on the other, and that reuse revokes the grant;
- a person of no tenant gets an error page and no code; a person of beta gets beta's data;
- removing a person from `people` + SIGHUP to both replicas: their refresh is refused.
"""

import asyncio
import base64
import hashlib
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import httpx2
from mcp import ClientSession
from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.auth import OAuthClientMetadata

ACME_KEY = "sk-ant-admin01-acme-tenant-key-for-the-oauth-check"
ACME_ORGANIZATION = "Acme OAuth Org"
BETA_KEY = "sk-ant-admin01-beta-tenant-key-for-the-oauth-check"
BETA_ORGANIZATION = "Beta OAuth Org"
IDP_SECRET = "idp-client-secret-for-the-oauth-check"
PEOPLE = {
    "ana": {"email": "ana@acme.example", "groups": ["staff"]},
    "bo": {"email": "bo@beta.example", "groups": ["beta-admins"]},
    "zed": {"email": "zed@nowhere.example", "groups": ["staff"]},
}
CLIENT_REDIRECT = "http://127.0.0.1:33418/callback"
ACCESS_TTL = 4


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr, flush=True)
        raise SystemExit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, what, process):
    for _ in range(300):
        check(process.poll() is None, f"{what} exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    check(False, f"{what} did not listen on {port}")


def tenants_yaml(work, front, redis_port, idp_port, acme_emails):
    return (
        "oauth:\n"
        f"  public_url: http://127.0.0.1:{front}\n"
        f"  signing_key_file: {work}/signing.key\n"
        f"  access_token_ttl_seconds: {ACCESS_TTL}\n"
        "  refresh_token_ttl_seconds: 600\n"
        f"  store_url: redis://127.0.0.1:{redis_port}\n"
        "  identity_provider:\n"
        f"    issuer: http://127.0.0.1:{idp_port}\n"
        "    client_id: claude-code-connector\n"
        "    client_secret_env: CCC_IDP_CLIENT_SECRET\n"
        "    scopes: [openid, email, profile]\n"
        "    groups_claim: groups\n"
        "tenants:\n"
        f"  - id: acme\n    people:\n      emails: [{acme_emails}]\n    admin_key_env: ACME_ADMIN_KEY\n"
        f"  - id: beta\n    people:\n      groups: [beta-admins]\n    admin_key_file: {work}/beta.key\n    read_only: true\n"
    )


class Browser:
    """A person's browser: cookies, redirects followed by hand, forms submitted."""

    def __init__(self, login, tenant=None):
        self.login, self.tenant = login, tenant
        self.http = httpx2.Client(follow_redirects=False, timeout=20)

    def until_client(self, url):
        """Follows `url` until the client's redirect URI: its query, or (status, page)."""
        method, data = "GET", None
        for _ in range(20):
            if url.startswith(CLIENT_REDIRECT):
                return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
            response = self.http.request(method, url, data=data)
            if response.status_code in (302, 303):
                url, method, data = urllib.parse.urljoin(url, response.headers["location"]), "GET", None
                continue
            page = response.text
            form = re.search(r'<form[^>]*action="([^"]+)"[^>]*method="post"', page)
            if response.status_code != 200 or not form:
                return response.status_code, page
            fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
            fields = {k: v.replace("&quot;", '"').replace("&amp;", "&") for k, v in fields.items()}
            if 'name="login"' in page:
                fields.update(login=self.login, password="any")
            if 'name="tenant"' in page:
                check(self.tenant is not None, f"{self.login} was asked to choose a tenant")
                fields["tenant"] = self.tenant
            url, method, data = urllib.parse.urljoin(url, form.group(1).replace("&amp;", "&")), "POST", fields
        check(False, "the sign-in never reached the client")


class MemoryStorage:
    def __init__(self):
        self.tokens, self.client_info, self.sign_ins, self.token_sets = None, None, 0, 0

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens
        self.token_sets += 1

    async def get_client_info(self):
        return self.client_info

    async def set_client_info(self, client_info):
        self.client_info = client_info


def sdk_provider(mcp_url, login, storage, client_metadata_url=None):
    browser, result = Browser(login), {}

    async def redirect_handler(url):
        storage.sign_ins += 1
        result.update(await asyncio.to_thread(browser.until_client, url))

    async def callback_handler():
        check("code" in result, f"no code for {login}: {result}")
        return AuthorizationCodeResult(code=result["code"], state=result.get("state"))

    metadata = OAuthClientMetadata(
        client_name="oauth check", redirect_uris=[CLIENT_REDIRECT], grant_types=["authorization_code", "refresh_token"],
        response_types=["code"], token_endpoint_auth_method="none")
    return OAuthClientProvider(server_url=mcp_url, client_metadata=metadata, storage=storage,
                               redirect_handler=redirect_handler, callback_handler=callback_handler,
                               client_metadata_url=client_metadata_url)


async def organization_via_sdk(mcp_url, auth, calls=1):
    """Calls get_org_info `calls` times (ACCESS_TTL + 1 s apart) through the SDK; the names."""
    names = []
    async with create_mcp_http_client(auth=auth) as client:
        async with streamable_http_client(mcp_url, http_client=client) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                for n in range(calls):
                    if n:
                        await asyncio.sleep(ACCESS_TTL + 1)
                    answer = await session.call_tool("claude_code_get_org_info", {})
                    check(not answer.is_error, f"get_org_info: {answer}")
                    names.append(json.dumps(answer.structured_content))
    return names


def post_form(url, fields):
    response = httpx2.post(url, data=fields, timeout=20)
    return response.status_code, response.json()


def call_org(replica_url, token):
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "claude_code_get_org_info", "arguments": {}}}
    response = httpx2.post(f"{replica_url}/mcp", json=body, timeout=20, headers={
        "authorization": f"Bearer {token}", "accept": "application/json, text/event-stream"})
    return response.status_code, response.text


def sign_in_by_hand(front, client_id, login):
    """The authorization code flow without the SDK (for CIMD): the token answer."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    query = urllib.parse.urlencode({"response_type": "code", "client_id": client_id, "redirect_uri": CLIENT_REDIRECT,
                                    "code_challenge": challenge, "code_challenge_method": "S256", "state": "s1",
                                    "resource": f"http://127.0.0.1:{front}/mcp"})
    result = Browser(login).until_client(f"http://127.0.0.1:{front}/authorize?{query}")
    check(isinstance(result, dict) and result.get("state") == "s1", f"CIMD sign-in: {result}")
    status, tokens = post_form(f"http://127.0.0.1:{front}/token", {
        "grant_type": "authorization_code", "code": result["code"], "client_id": client_id,
        "redirect_uri": CLIENT_REDIRECT, "code_verifier": verifier})
    check(status == 200, f"CIMD token: {tokens}")
    return tokens


def serve_client_metadata(port, document):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps(document).encode()
            self.send_response(200 if self.path == "/client.json" else 404)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run(binary, fake_binary, haproxy_cfg, node_dir, redis_server, processes, work):
    redis_port, idp_port, front = free_port(), free_port(), free_port()
    redis = subprocess.Popen([redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no"], stdout=subprocess.DEVNULL)
    processes.append(redis)
    idp = subprocess.Popen(["node", os.path.join(node_dir, "idp.mjs"), str(idp_port), f"http://127.0.0.1:{front}/oauth/callback"],
                           env={**os.environ, "CCC_IDP_CLIENT_SECRET": IDP_SECRET, "IDP_PEOPLE": json.dumps(PEOPLE)},
                           stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "idp.log"), "w"))
    processes.append(idp)
    fake = subprocess.Popen([fake_binary, f"{ACME_KEY}={ACME_ORGANIZATION}", f"{BETA_KEY}={BETA_ORGANIZATION}"],
                            stdout=subprocess.PIPE, text=True)
    processes.append(fake)
    base_url = fake.stdout.readline().strip()

    subprocess.run([binary, "oauth-key", "--out", f"{work}/signing.key"], check=True, capture_output=True)
    check(os.stat(f"{work}/signing.key").st_mode & 0o777 == 0o600, "oauth-key writes the key 0600")
    with open(f"{work}/beta.key", "w") as f:
        f.write(BETA_KEY + "\n")
    tenants = f"{work}/tenants.yaml"
    with open(tenants, "w") as f:
        f.write(tenants_yaml(work, front, redis_port, idp_port, "ana@acme.example"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_CODE_CONNECTOR_", "ANTHROPIC_"))}
    env.update({"ACME_ADMIN_KEY": ACME_KEY, "CLAUDE_CODE_CONNECTOR_BASE_URL": base_url, "CCC_IDP_CLIENT_SECRET": IDP_SECRET})
    ports, replicas = [free_port(), free_port()], []
    for n, port in enumerate(ports, start=1):
        log = open(os.path.join(work, f"replica{n}.log"), "w")
        replica = subprocess.Popen([binary, "serve", "--http", f"127.0.0.1:{port}", "--tenants", tenants],
                                   env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
        processes.append(replica)
        replicas.append(replica)
    with open(haproxy_cfg) as f:
        config = f.read().replace("127.0.0.1:8080", f"127.0.0.1:{front}")
    config = re.sub(r"\n    server replica3 .*", "", config)
    for old, port in zip(("8081", "8082"), ports):
        config = config.replace(f"127.0.0.1:{old}", f"127.0.0.1:{port}")
    with open(f"{work}/haproxy.cfg", "w") as f:
        f.write(config)
    haproxy = subprocess.Popen(["haproxy", "-f", f"{work}/haproxy.cfg"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    processes.append(haproxy)
    for port, what, process in [(redis_port, "redis", redis), (idp_port, "the identity provider", idp),
                                (ports[0], "replica1", replicas[0]), (ports[1], "replica2", replicas[1]),
                                (front, "haproxy", haproxy)]:
        wait_port(port, what, process)
    time.sleep(2.5)  # HAProxy's health checks see both replicas up
    origin, mcp_url = f"http://127.0.0.1:{front}", f"http://127.0.0.1:{front}/mcp"
    replica_urls = [f"http://127.0.0.1:{port}" for port in ports]

    resource = httpx2.get(f"{origin}/.well-known/oauth-protected-resource/mcp").json()
    check(resource["resource"] == mcp_url and resource["authorization_servers"] == [origin], f"PRM: {resource}")
    metadata = httpx2.get(f"{origin}/.well-known/oauth-authorization-server").json()
    check("S256" in metadata["code_challenge_methods_supported"] and metadata["client_id_metadata_document_supported"],
          f"AS metadata: {metadata}")
    unauthorized = httpx2.post(mcp_url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                               headers={"accept": "application/json, text/event-stream"})
    check(unauthorized.status_code == 401 and "resource_metadata=" in unauthorized.headers["www-authenticate"],
          "401 points to the resource metadata")
    print("metadata: ok")

    # The SDK: discovery, registration, PKCE, ana's login, a call, expiry, refresh, a call.
    storage = MemoryStorage()
    names = asyncio.run(organization_via_sdk(mcp_url, sdk_provider(mcp_url, "ana", storage), calls=2))
    check(all(ACME_ORGANIZATION in name for name in names), f"ana sees acme's organization: {names}")
    check(storage.sign_ins == 1 and storage.token_sets == 2,
          f"one sign-in, then a refresh (not a second sign-in): {storage.sign_ins} sign-ins, {storage.token_sets} token sets")
    print("SDK sign-in as ana (acme), a call, refresh after expiry, a call: ok")

    # One replica's tokens are good on the other; a refresh used on one is refused on the other.
    client_id = storage.client_info.client_id
    status, fresh = post_form(f"{replica_urls[0]}/token", {"grant_type": "refresh_token", "client_id": client_id,
                                                          "refresh_token": storage.tokens.refresh_token})
    check(status == 200, f"refresh at replica1: {fresh}")
    status, text = call_org(replica_urls[1], fresh["access_token"])
    check(status == 200 and ACME_ORGANIZATION in text, f"replica1's token at replica2: {status} {text[:300]}")
    status, reused = post_form(f"{replica_urls[1]}/token", {"grant_type": "refresh_token", "client_id": client_id,
                                                           "refresh_token": storage.tokens.refresh_token})
    check(status == 400 and reused["error"] == "invalid_grant", f"a spent refresh token at replica2: {status} {reused.get('error')}")
    status, revoked = post_form(f"{replica_urls[0]}/token", {"grant_type": "refresh_token", "client_id": client_id,
                                                            "refresh_token": fresh["refresh_token"]})
    check(status == 400 and revoked["error"] == "invalid_grant", f"the reuse revoked the grant: {revoked}")
    print("replicas share codes and refresh tokens through Redis, tokens verify anywhere: ok")

    # CIMD: the client is a metadata document at a URL (loopback http here).
    cimd_port = free_port()
    cimd_url = f"http://127.0.0.1:{cimd_port}/client.json"
    cimd = serve_client_metadata(cimd_port, {"client_id": cimd_url, "client_name": "CIMD check",
                                              "redirect_uris": [CLIENT_REDIRECT], "token_endpoint_auth_method": "none"})
    tokens = sign_in_by_hand(front, cimd_url, "bo")
    status, text = call_org(replica_urls[1], tokens["access_token"])
    check(status == 200 and BETA_ORGANIZATION in text, f"bo (beta) through CIMD: {status} {text[:300]}")
    cimd.shutdown()
    print("CIMD sign-in as bo (beta): ok")

    # A person of no tenant: an error page, no code.
    query = urllib.parse.urlencode({"response_type": "code", "client_id": client_id, "redirect_uri": CLIENT_REDIRECT,
                                    "code_challenge": "x" * 43, "code_challenge_method": "S256", "state": "z"})
    outcome = Browser("zed").until_client(f"{origin}/authorize?{query}")
    check(isinstance(outcome, tuple) and outcome[0] == 403 and "no tenant" in outcome[1], f"zed: {outcome}")
    print("a person of no tenant gets no code: ok")

    # Removal + SIGHUP on both replicas: ana's refresh is refused.
    storage = MemoryStorage()
    asyncio.run(organization_via_sdk(mcp_url, sdk_provider(mcp_url, "ana", storage)))
    with open(tenants, "w") as f:
        f.write(tenants_yaml(work, front, redis_port, idp_port, "someone-else@acme.example"))
    for replica in replicas:
        replica.send_signal(signal.SIGHUP)
    time.sleep(1.5)
    status, refused = post_form(f"{origin}/token", {"grant_type": "refresh_token", "client_id": storage.client_info.client_id,
                                                    "refresh_token": storage.tokens.refresh_token})
    check(status == 400 and "no longer" in refused.get("error_description", ""), f"ana after removal: {refused}")
    print("removed from people + SIGHUP: refresh refused: ok")

    for replica in replicas:
        replica.send_signal(signal.SIGTERM)
    for n, replica in enumerate(replicas, start=1):
        check(replica.wait(timeout=30) == 0, f"replica{n} exits 0")
        with open(os.path.join(work, f"replica{n}.log")) as f:
            log = f.read()
        check(IDP_SECRET not in log and ACME_KEY not in log, f"replica{n} logs no secret")


def main():
    binary, fake_binary, haproxy_cfg, node_dir, redis_server = sys.argv[1:6]
    processes, work = [], tempfile.mkdtemp(prefix="ccc-oauth-")
    started = time.monotonic()
    try:
        run(binary, fake_binary, haproxy_cfg, node_dir, redis_server, processes, work)
    except BaseException:
        for name in sorted(os.listdir(work)):
            if name.endswith(".log"):
                with open(os.path.join(work, name)) as f:
                    print(f"--- {name}\n{f.read()[-3000:]}", file=sys.stderr)
        raise
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.kill()
                process.wait()
        shutil.rmtree(work, ignore_errors=True)
    print(f"oauth end to end: 6 passed, 0 failed ({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
