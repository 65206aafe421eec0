"""
A STAND-IN for the suite's echo backend (mendhak/http-https-echo), for the real node only: the
real image cannot be pulled here. It answers in the JSON shape the suite parses from the real
image (path, headers, method, hostname = the request's host, os.hostname = the pod), honours the
same knobs the fixtures set (HTTP_PORT, LOG_WITHOUT_NEWLINE: one JSON line per request on stdout,
LOG_IGNORE_PATH), the x-set-response-status-code and x-set-response-delay-ms knobs (request header or
query parameter), and keeps a repeated request header as one comma-joined value, as the real image's
Node server does. /reset aborts the connection with a TCP reset, for the traffic engine's reset
classification. Nothing else of the real image.
"""
import json
import os
import socket
import struct
import time
from urllib.parse import parse_qs
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

IGNORE = os.environ.get("LOG_IGNORE_PATH", "")
ONE_LINE = os.environ.get("LOG_WITHOUT_NEWLINE", "") == "true"


class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_any(self):
        path = self.path.split("?", 1)[0]
        if path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = f"{headers[k]}, {v}" if k in headers else v
        query = parse_qs(self.path.split("?", 1)[1]) if "?" in self.path else {}

        def knob(name, default):
            return headers.get(name) or (query.get(name) or [default])[0]

        echo = {
            "path": path,
            "headers": headers,
            "method": self.command,
            "body": body,
            "hostname": headers.get("host", "").split(":")[0],
            "ip": self.client_address[0],
            "protocol": "http",
            "os": {"hostname": socket.gethostname()},
        }
        status = int(knob("x-set-response-status-code", "200"))
        time.sleep(int(knob("x-set-response-delay-ms", "0")) / 1000)
        out = json.dumps(echo, indent=4).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
        if path != IGNORE:
            print(json.dumps(echo) if ONE_LINE else json.dumps(echo, indent=4), flush=True)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(os.environ.get("HTTP_PORT", "8080"))
    print(f"Listening on ports {port} (echo stand-in)", file=sys.stderr, flush=True)
    ThreadingHTTPServer(("0.0.0.0", port), Echo).serve_forever()
