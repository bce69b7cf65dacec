"""Drive the connector with a third-party MCP client: the official Python SDK.

Spawns the binary given on the command line in sandbox mode (no key), over stdio,
and checks what a client sees: the handshake, tools/list, a read tool, a write
tool, a bad call, the prompts and their argument completion. Exits non-zero with a
message on any mismatch.
"""

import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr, flush=True)
        os._exit(1)  # at once: no task-group traceback; the server exits when its stdin closes


def text_of(result):
    return "\n".join(block.text for block in result.content if getattr(block, "type", None) == "text")


async def main(binary):
    env = {key: value for key, value in os.environ.items() if key != "ANTHROPIC_ADMIN_API_KEY"}
    params = StdioServerParameters(command=binary, args=["--sandbox"], env=env)
    # The server's stderr (logs, audit lines) goes to a file; this script's own errors stay visible.
    server_log = open(os.environ.get("MCP_SERVER_LOG", os.devnull), "w")
    async with stdio_client(params, errlog=server_log) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            check(init.server_info.name == "claude-code-connector", f"server name: {init.server_info.name}")
            check("sandbox" in (init.instructions or "").lower(), "the instructions say it is the sandbox")

            tools = (await session.list_tools()).tools
            names = {tool.name for tool in tools}
            check(len(tools) >= 31, f"{len(tools)} tools listed")
            for name in ("claude_code_list_users", "claude_code_create_invite", "claude_code_get_normalized_metrics"):
                check(name in names, f"{name} is listed")
            remove = next(tool for tool in tools if tool.name == "claude_code_remove_user")
            check(remove.annotations.destructive_hint is True, "remove_user is marked destructive")

            users = await session.call_tool("claude_code_list_users", {"per_page": 5})
            check(not users.is_error, f"list_users: {text_of(users)}")
            check(len(users.structured_content["data"]) == 5, "five users on the page")
            check(text_of(users).startswith("Sandbox data"), "results say they are sandbox data")

            invite = await session.call_tool(
                "claude_code_create_invite", {"email": "ci-check@example.com", "role": "developer"}
            )
            check(not invite.is_error, f"create_invite: {text_of(invite)}")
            check(invite.structured_content["email"] == "ci-check@example.com", "the invite is created")
            invites = await session.call_tool("claude_code_list_invites", {"per_page": 100})
            emails = [item["email"] for item in invites.structured_content["data"]]
            check("ci-check@example.com" in emails, "the write persists for the session")

            bad = await session.call_tool("claude_code_list_users", {"per_page": 500})
            check(bad.is_error, "a bad argument is a tool error")
            check("`per_page`" in text_of(bad), f"the error names the argument: {text_of(bad)}")

            prompts = (await session.list_prompts()).prompts
            expected = {"monthly_spend_report", "seat_utilization_review", "cost_spike_investigation",
                        "offboarding_checklist", "rate_limit_headroom"}
            names = {prompt.name for prompt in prompts}
            check(expected <= names, f"prompts listed: {sorted(names)}")
            spend = await session.get_prompt("monthly_spend_report", {"month": "last-month"})
            check("claude_code_get_cost_breakdown" in spend.messages[0].content.text, "the prompt renders")

            check(init.capabilities.completions is not None, "completions are advertised")
            spend_ref = types.PromptReference(type="ref/prompt", name="monthly_spend_report")
            months = (await session.complete(spend_ref, {"name": "month", "value": "last"})).completion
            check(months.values == ["last-month"], f"a month completes from the date words: {months.values}")
            offboarding = types.PromptReference(type="ref/prompt", name="offboarding_checklist")
            emails = (await session.complete(offboarding, {"name": "email", "value": ""})).completion
            check(len(emails.values) > 10 and all("@" in v for v in emails.values), f"emails: {emails.values}")
            first = emails.values[0]
            narrowed = (await session.complete(offboarding, {"name": "email", "value": first[:4]})).completion
            check(first in narrowed.values and all(v.startswith(first[:4]) for v in narrowed.values), "by prefix")

    print(f"third-party client (python mcp SDK): {len(tools)} tools, read, write, bad call, prompts and completion OK")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
