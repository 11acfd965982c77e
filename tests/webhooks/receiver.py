"""A real HTTP receiver for webhooks on 127.0.0.1 (http.server in a thread), which checks
every delivery's signature with the snippet docs/webhooks.md gives users."""
import contextlib
import re
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def documented_verifier():
    """The `verify_signature` function exactly as docs/webhooks.md prints it."""
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"## Verifying a delivery.*?```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(compile(block, str(DOCS), "exec"), namespace)  # our own documentation
    return namespace["verify_signature"]


class Receiver:
    """Answers each POST by `script` (a list of statuses, the last repeated; "hang" sleeps
    past the sender's timeout), and records what came with whether its signature held."""

    def __init__(self, secret: str = "", script=(200,), hang_seconds: float = 3.0):
        self.secret, self.script, self.hang_seconds = secret, list(script), hang_seconds
        self.received: list[dict] = []
        self.verify = documented_verifier()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                answer = receiver._record(dict(self.headers), body, self.path)
                if answer == "hang":
                    time.sleep(receiver.hang_seconds)
                    answer = 200
                self.send_response(answer)
                if answer in (301, 302, 307, 308):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                text = f"answer {answer} " + "x" * 5000
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the sender gave up (timeout)
                    self.wfile.write(text.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.scheme = "http"
        self.server_names: list[str | None] = []  # the TLS SNI of each connection
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _record(self, headers: dict, body: bytes, path: str):
        with self._lock:
            signed = self.verify(self.secret, headers.get("Samspil-Signature", ""), body)
            self.received.append({"headers": headers, "body": body, "path": path,
                                  "signed": signed})
            index = len(self.received) - 1
            return self.script[min(index, len(self.script) - 1)]

    def use_tls(self, cert_file: str, key_file: str) -> None:
        """Serve https with this certificate, noting the name each client asks for (SNI)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        context.sni_callback = lambda _sock, name, _ctx: self.server_names.append(name)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.scheme = "https"

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/samspil"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
