"""
A STAND-IN for the suite's echo backend (mendhak/http-https-echo), for the real node only: the
real image cannot be pulled here. It answers as the image's index.js does (Express): a JSON reply
pretty-printed with two spaces whose fields come in the image's order, "hostname" being the
request's Host (req.hostname) and "os": {"hostname"} the pod; request headers as Node keeps them
(repeated ones comma-joined, a few keep their first value); x-set-response-status-code and
x-set-response-delay-ms honoured as a header or a query parameter; and the same knobs the fixtures
set (HTTP_PORT, LOG_WITHOUT_NEWLINE: one JSON line per request on stdout, else four-space JSON;
LOG_IGNORE_PATH). BIND chooses the listening address (default all, as in a pod). /reset aborts the
connection with a TCP reset, for the traffic engine's reset classification. Nothing else of the
real image (no HTTPS port, no JWT, no "json" field). test/unit/echo-standin.test.ts holds it to the
model's reading of index.js.
"""
import ipaddress
import json
import os
import socket
import struct
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

IGNORE = os.environ.get("LOG_IGNORE_PATH", "")
ONE_LINE = os.environ.get("LOG_WITHOUT_NEWLINE", "") != ""

# Node's http module: duplicates of these are dropped (the first stays); set-cookie is a list;
# cookie joins with "; "; every other header joins with ", " (IncomingMessage#headers).
FIRST_ONLY = {
    "age", "authorization", "content-length", "content-type", "etag", "expires", "from", "host",
    "if-modified-since", "if-unmodified-since", "last-modified", "location", "max-forwards",
    "proxy-authorization", "referer", "retry-after", "server", "user-agent",
}


def node_headers(pairs):
    headers = {}
    for name, value in pairs:
        key = name.lower()
        if key not in headers:
            headers[key] = [value] if key == "set-cookie" else value
        elif key == "set-cookie":
            headers[key].append(value)
        elif key == "cookie":
            headers[key] += "; " + value
        elif key not in FIRST_ONLY:
            headers[key] += ", " + value
    return headers


def express_hostname(host):
    """req.hostname: the Host without its port (an IPv6 literal keeps its brackets)."""
    colon = host.find(":", host.index("]") + 1 if host.startswith("[") else 0)
    return host[:colon] if colon != -1 else host


def subdomains(hostname):
    try:
        ipaddress.ip_address(hostname)
        return []
    except ValueError:
        return list(reversed(hostname.split(".")))[2:] if hostname else []


class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_any(self):
        url = urlsplit(self.path)
        path = url.path
        if path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        headers = node_headers(self.headers.items())
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        hostname = express_hostname(headers.get("host", ""))
        echo = {
            "path": path,
            "headers": headers,
            "method": self.command,
            "body": body,
            "fresh": False,
            "hostname": hostname,
            "ip": "::ffff:" + self.client_address[0],
            "ips": [],
            "protocol": "http",
            "query": query,
            "subdomains": subdomains(hostname),
            "xhr": headers.get("x-requested-with", "").lower() == "xmlhttprequest",
            "os": {"hostname": socket.gethostname()},
            "connection": {},
        }
        status = knob(headers, query, "x-set-response-status-code")
        delay = knob(headers, query, "x-set-response-delay-ms")
        if delay and delay > 0:
            time.sleep(delay / 1000)
        out = json.dumps(echo, indent=2).encode()
        self.send_response(status if status and 100 <= status < 600 else 200)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
        if path != IGNORE:
            print(json.dumps(echo, separators=(",", ":")) if ONE_LINE else json.dumps(echo, indent=4), flush=True)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any

    def log_message(self, *args):
        pass


def knob(headers, query, name):
    """parseInt(header || query): the header wins when present and not empty."""
    raw = headers.get(name) or query.get(name) or ""
    digits = raw.strip()
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    n = ""
    for c in digits:
        if not c.isdigit():
            break
        n += c
    return sign * int(n) if n else None


if __name__ == "__main__":
    port = int(os.environ.get("HTTP_PORT", "8080"))
    bind = os.environ.get("BIND", "0.0.0.0")
    server = ThreadingHTTPServer((bind, port), Echo)
    print(f"Listening on ports {server.server_address[1]} (echo stand-in)", file=sys.stderr, flush=True)
    server.serve_forever()
