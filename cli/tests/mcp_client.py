"""A real MCP client (the official Python SDK) driven line by line by the Rust tests.

    python mcp_client.py stdio COMMAND [ARG]...   # spawns the server, talks over its stdin/stdout
    python mcp_client.py http URL [TOKEN]         # Streamable HTTP

Then reads one JSON command per line on stdin and answers each with one JSON line on stdout:

    {"op": "init"}                          -> protocol version, capabilities, server info
    {"op": "list", "max_pages": N}          -> every page: tool names per page, cursors, tools
    {"op": "list_cursor", "cursor": C}      -> one page from a given cursor (errors reported)
    {"op": "call", "name": T, "args": {..}} -> isError, texts, structuredContent
    {"op": "call_nowait", "name": T, "args": {..}} -> starts the call and answers at once
                                             (the answer is never read: for disconnect tests)
    {"op": "changes"}                        -> how many tools/list_changed notifications so far
    {"op": "wait_changed", "count": N, "timeout": S} -> waits until N were seen (or the timeout)
    {"op": "close"}

Every answer has "ok": true, or "ok": false with "error". The process exits 0 after "close".
"""

import json
import sys

import anyio
import httpx2
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

changes = 0
changed = None  # anyio.Event, replaced after each notification


async def on_message(message):
    global changes, changed
    root = getattr(message, "root", message)
    if getattr(root, "method", None) == "notifications/tools/list_changed":
        changes += 1
        changed.set()
        changed = anyio.Event()


def dump(model):
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


async def handle(session, tasks, cmd):
    op = cmd["op"]
    if op == "init":
        result = await session.initialize()
        return {"result": dump(result)}
    if op == "list":
        pages, cursor, tools = [], None, []
        for _ in range(cmd.get("max_pages", 1000)):
            params = None
            if cursor is not None:
                from mcp.types import PaginatedRequestParams

                params = PaginatedRequestParams(cursor=cursor)
            page = await session.list_tools(params=params)
            pages.append({"names": [t.name for t in page.tools], "next": page.next_cursor})
            tools.extend(dump(t) for t in page.tools)
            cursor = page.next_cursor
            if cursor is None:
                break
        return {"pages": pages, "tools": tools}
    if op == "list_cursor":
        from mcp.types import PaginatedRequestParams

        page = await session.list_tools(params=PaginatedRequestParams(cursor=cmd["cursor"]))
        return {"names": [t.name for t in page.tools], "next": page.next_cursor}
    if op == "call":
        result = await session.call_tool(cmd["name"], cmd.get("args", {}))
        out = dump(result)
        out["texts"] = [c.text for c in result.content if getattr(c, "type", None) == "text"]
        return {"result": out}
    if op == "call_nowait":
        tasks.start_soon(session.call_tool, cmd["name"], cmd.get("args", {}))
        return {"started": True}
    if op == "changes":
        return {"changes": changes}
    if op == "wait_changed":
        with anyio.move_on_after(cmd.get("timeout", 5)):
            while changes < cmd["count"]:
                await changed.wait()
        return {"changes": changes}
    raise ValueError(f"unknown op {op}")


async def serve_commands(session):
    async with anyio.create_task_group() as tasks:
        await command_loop(session, tasks)
        tasks.cancel_scope.cancel()


async def command_loop(session, tasks):
    while True:
        line = await anyio.to_thread.run_sync(sys.stdin.readline, abandon_on_cancel=True)
        if not line:
            return
        cmd = json.loads(line)
        if cmd["op"] == "close":
            print(json.dumps({"ok": True}), flush=True)
            return
        try:
            answer = await handle(session, tasks, cmd)
            answer["ok"] = True
        except Exception as e:  # reported to the Rust side, which decides
            answer = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        print(json.dumps(answer), flush=True)


async def main():
    global changed
    changed = anyio.Event()
    mode = sys.argv[1]
    if mode == "stdio":
        params = StdioServerParameters(command=sys.argv[2], args=sys.argv[3:])
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write, message_handler=on_message) as session:
                await serve_commands(session)
    elif mode == "http":
        headers = {}
        if len(sys.argv) > 3:
            headers["Authorization"] = f"Bearer {sys.argv[3]}"
        async with httpx2.AsyncClient(headers=headers, timeout=30) as client:
            async with streamable_http_client(sys.argv[2], http_client=client) as streams:
                read, write = streams[0], streams[1]
                async with ClientSession(read, write, message_handler=on_message) as session:
                    await serve_commands(session)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    anyio.run(main)
