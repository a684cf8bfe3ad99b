"""A minimal Language Server Protocol client over stdio, enough to ask yaml-language-server
(npm, tests/js) what an editor such as VS Code would show: completion and diagnostics."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

JS = Path(__file__).resolve().parent / "js"
YAML_LS = JS / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"


class LanguageServer:
    def __init__(self, root: Path, settings: dict[str, Any]):
        self.settings = settings  # what the editor sends: {"yaml": {...}}
        self.proc = subprocess.Popen(["node", str(YAML_LS), "--stdio"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id = 0
        self.responses: dict[int, queue.Queue] = {}
        self.notifications: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        uri = root.as_uri()
        self.request("initialize", {
            "processId": None, "rootUri": uri, "workspaceFolders": [{"uri": uri, "name": "proyek"}],
            "capabilities": {"workspace": {"configuration": True, "didChangeConfiguration":
                                           {"dynamicRegistration": True}},
                             "textDocument": {"completion": {"completionItem":
                                                             {"snippetSupport": True}}}},
        })
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = 0
            while (line := out.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            message = json.loads(out.read(length))
            if "id" in message and "method" in message:  # a request from the server
                self._send({"jsonrpc": "2.0", "id": message["id"],
                            "result": self._answer(message)})
            elif "id" in message:
                self.responses.setdefault(message["id"], queue.Queue()).put(message)
            else:
                self.notifications.put(message)

    def _answer(self, message: dict) -> Any:
        if message["method"] == "workspace/configuration":
            return [self.settings.get(item.get("section", ""), None)
                    for item in message["params"]["items"]]
        return None

    def request(self, method: str, params: dict, timeout: float = 60) -> Any:
        self.next_id += 1
        box = self.responses.setdefault(self.next_id, queue.Queue())
        self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        reply = box.get(timeout=timeout)
        assert "error" not in reply, reply
        return reply["result"]

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def open(self, path: Path, text: str) -> str:
        uri = path.as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": text}})
        return uri

    def diagnostics(self, uri: str, timeout: float = 60) -> list[dict]:
        while True:
            message = self.notifications.get(timeout=timeout)
            if (message.get("method") == "textDocument/publishDiagnostics"
                    and message["params"]["uri"] == uri):
                return message["params"]["diagnostics"]

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
