#!/usr/bin/env python3
"""A loopback service for the real-client tests: answers ONLY on each service's real routes,
404 elsewhere with that service's error shape, and records every request to a JSONL file.

Standard library only (it runs under any python3, outside the client venvs).

    loopback.py --record FILE --service azure|openai|serverless [--key K] [--deployment D]...
                [--tls-cert C --tls-key K] [--proxy-hosts H1,H2=KIND,*.suffix] [--lifetime S]

With --proxy-hosts it is also an HTTPS proxy for those hosts (`*.` entries match a suffix;
`=KIND` serves that host as another --service kind): `CONNECT host:443` for a listed host gets
200, the tunnel is wrapped in TLS with --tls-cert/--tls-key (one leaf holding every SAN), and
its requests are served and recorded as direct ones. Any other CONNECT target, and any
plain-http request sent to the proxy (`GET http://host/...`), gets 403 and is recorded: a test
can assert that nothing left for a host it did not expect, and nothing went in clear text.

Prints the port it listens on (127.0.0.1 only), one line, once it accepts connections. Stops by
itself after --lifetime seconds or when its stdin closes (the test that started it is gone).

A record holds the method, path, query, the route it matched (or null), the status sent, the
kind of credential (api-key, bearer, x-api-key, none), a fingerprint of the credential (the
first 12 hex digits of its SHA-256, never the value), the OpenAI metadata headers and the body's
model. Bodies are the smallest ones the SDKs parse.
"""

import argparse
import fnmatch
import hashlib
import json
import re
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# A dated api-version as Azure requires on its classic routes (2024-10-21, 2025-04-01-preview).
DATED = re.compile(r"^\d{4}-\d{2}-\d{2}(-preview)?$")
CREATED = 1700000000


def fingerprint(secret):
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


def chat_completion(model):
    return {
        "id": "chatcmpl-loopback",
        "object": "chat.completion",
        "created": CREATED,
        "model": model or "loopback-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "pong"},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def response_object(model):
    return {
        "id": "resp_loopback",
        "object": "response",
        "created_at": CREATED,
        "status": "completed",
        "model": model or "loopback-model",
        "output": [
            {
                "type": "message",
                "id": "msg_loopback",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "pong", "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": 1,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 1,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 2,
        },
    }


def anthropic_message(model):
    return {
        "id": "msg_loopback",
        "type": "message",
        "role": "assistant",
        "model": model or "claude-loopback",
        "content": [{"type": "text", "text": "pong"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }


def model_list(names):
    return {
        "object": "list",
        "data": [{"id": n, "object": "model", "created": CREATED, "owned_by": "loopback"} for n in names],
    }


def deployment_list(names):
    return {
        "object": "list",
        "data": [
            {"id": n, "model": n, "status": "succeeded", "object": "deployment", "created_at": CREATED}
            for n in names
        ],
    }


def azure_error(status, code, message):
    return status, {"error": {"code": code, "message": message}}


def openai_error(status, message, code=None):
    return status, {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}


class Service:
    """The routes of one kind of host. Each route answers (status, body) or None (no match)."""

    def __init__(self, kind, deployments):
        self.kind = kind
        self.deployments = deployments

    def not_found(self, method, path):
        if self.kind == "openai":
            return openai_error(404, f"Invalid URL ({method} {path})")
        if self.kind == "serverless":
            return azure_error(404, "NotFound", "Resource not found")
        return azure_error(404, "404", "Resource not found")

    def route(self, method, path, query, body):
        """(route id, status, body); route id None when no real route matched."""
        table = {"azure": self.azure, "openai": self.openai, "serverless": self.serverless}[self.kind]
        hit = table(method, path, query, body)
        if hit is None:
            return (None, *self.not_found(method, path))
        return hit

    def api_version(self, query):
        v = query.get("api-version")
        return v if v and DATED.match(v) else None

    def azure(self, method, path, query, body):
        model = body.get("model") if isinstance(body, dict) else None
        m = re.fullmatch(r"/openai/deployments/([^/]+)/chat/completions", path)
        if m and method == "POST":
            if "api-version" not in query:
                return ("azure.deployment.chat", *azure_error(404, "404", "Resource not found"))
            if not self.api_version(query):
                return ("azure.deployment.chat", *azure_error(400, "BadRequest", "API version not supported"))
            if m.group(1) not in self.deployments:
                return (
                    "azure.deployment.chat",
                    *azure_error(404, "DeploymentNotFound", "The API deployment for this resource does not exist."),
                )
            return ("azure.deployment.chat", 200, chat_completion(m.group(1)))
        v1 = {"/openai/v1/chat/completions": "azure.v1.chat", "/openai/v1/responses": "azure.v1.responses"}
        if path in v1 and method == "POST":
            # the v1 API takes no monthly api-version (only "preview" for preview features)
            if query.get("api-version") not in (None, "preview"):
                return (v1[path], *azure_error(400, "BadRequest", "api-version is not allowed on /openai/v1"))
            if model not in self.deployments:
                return (v1[path], *azure_error(404, "DeploymentNotFound", "The API deployment for this resource does not exist."))
            make = chat_completion if path.endswith("completions") else response_object
            return (v1[path], 200, make(model))
        if path == "/openai/v1/models" and method == "GET":
            return ("azure.v1.models", 200, model_list(self.deployments))
        if path in ("/openai/deployments", "/openai/models") and method == "GET":
            rid = "azure.deployments" if path.endswith("deployments") else "azure.models"
            if not self.api_version(query):
                return (rid, *azure_error(404, "404", "Resource not found"))
            make = deployment_list if rid == "azure.deployments" else model_list
            return (rid, 200, make(self.deployments))
        if path == "/models/chat/completions" and method == "POST":
            if not self.api_version(query):
                return ("foundry.models.chat", *azure_error(400, "BadRequest", "Missing or invalid api-version"))
            if model not in self.deployments:
                return ("foundry.models.chat", *azure_error(400, "unknown_model", "Unknown model: %s" % model))
            return ("foundry.models.chat", 200, chat_completion(model))
        if path == "/models/info" and method == "GET":
            if not self.api_version(query):
                return ("foundry.models.info", *azure_error(400, "BadRequest", "Missing or invalid api-version"))
            return ("foundry.models.info", *azure_error(400, "no_model_name", "No model specified in request."))
        if path == "/anthropic/v1/messages" and method == "POST":
            return ("anthropic.messages", 200, anthropic_message(model))
        return None

    def openai(self, method, path, query, body):
        model = body.get("model") if isinstance(body, dict) else None
        if path == "/v1/chat/completions" and method == "POST":
            return ("openai.chat", 200, chat_completion(model))
        if path == "/v1/responses" and method == "POST":
            return ("openai.responses", 200, response_object(model))
        if path == "/v1/models" and method == "GET":
            return ("openai.models", 200, model_list(self.deployments))
        return None

    def serverless(self, method, path, query, body):
        model = body.get("model") if isinstance(body, dict) else None
        # a serverless (MaaS) endpoint serves the chat route with and without /v1
        if path in ("/v1/chat/completions", "/chat/completions") and method == "POST":
            return ("serverless.chat", 200, chat_completion(model or "serverless-model"))
        if path == "/info" and method == "GET":
            return ("serverless.info", 200, {"model_name": "serverless-model", "model_type": "chat-completion", "model_provider_name": "loopback"})
        return None


def credential(headers):
    """(kind, secret) of the request's credential, the kind in the order a service reads them."""
    if headers.get("api-key"):
        return "api-key", headers["api-key"]
    if headers.get("x-api-key"):
        return "x-api-key", headers["x-api-key"]
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return "bearer", auth[7:].strip()
    return "none", None


def proxied_kind(proxy_hosts, host):
    """The service kind a proxied host is served as, or None when it is not listed."""
    for pattern, kind in proxy_hosts:
        if fnmatch.fnmatchcase(host.lower(), pattern.lower()):
            return kind
    return None


def credentials(headers):
    """Every credential header the request carries, each kind once, in a fixed order (a client
    may send a key twice: azure-ai-inference sends api-key and a bearer token)."""
    auth = headers.get("authorization", "")
    present = {
        "api-key": bool(headers.get("api-key")),
        "x-api-key": bool(headers.get("x-api-key")),
        "bearer": auth.lower().startswith("bearer "),
    }
    return [k for k, on in present.items() if on]


def make_handler(services, default_kind, key, record, lock, proxy_hosts, tls_ctx):
    def write(entry):
        with lock:
            with open(record, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # the CONNECT target a tunnel's requests are for (None: a direct request)
        tunnel = None
        kind = default_kind

        def log_message(self, *args):  # the record file is the log
            pass

        def refuse(self, entry, why):
            write({**entry, "route": None, "status": 403, "refused": why})
            data = json.dumps({"error": why}).encode()
            self.send_response(403)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
            self.close_connection = True

        def do_CONNECT(self):
            host, _, port = self.path.rpartition(":")
            kind = proxied_kind(proxy_hosts, host) if tls_ctx else None
            entry = {"method": "CONNECT", "path": self.path, "host": host, "tls": True}
            if kind is None or port != "443":
                return self.refuse(entry, "CONNECT to a host the test did not expect")
            self.send_response(200, "Connection established")
            self.end_headers()
            self.wfile.flush()
            try:
                tunnel = tls_ctx.wrap_socket(self.connection, server_side=True)
            except (ssl.SSLError, OSError) as e:  # the client did not trust the test CA
                write({**entry, "route": None, "status": 0, "tls_error": str(e)})
                self.close_connection = True
                return
            inner = type("Tunnel", (Handler,), {"tunnel": host, "kind": kind})
            try:
                inner(tunnel, self.client_address, self.server)
            except (ssl.SSLError, OSError):
                pass
            self.close_connection = True

        def handle_any(self):
            if self.tunnel is None and "://" in self.path:
                # a client sent a plain-http request through the proxy: recorded, refused
                url = urlsplit(self.path)
                entry = {"method": self.command, "path": url.path, "host": url.hostname, "tls": False}
                return self.refuse(entry, "plain http through the proxy")
            service = services[self.kind]
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            headers = {k.lower(): v for k, v in self.headers.items()}
            kind, secret = credential(headers)
            route, status, answer = service.route(self.command, url.path, query, body)
            # the Messages API refuses a request without its version header (Anthropic's error shape)
            if route == "anthropic.messages" and not headers.get("anthropic-version"):
                status, answer = (400, {"type": "error", "error": {"type": "invalid_request_error", "message": "anthropic-version: header is required"}})
            if route is not None and secret != key:
                route_status = status
                status, answer = (401, {"error": {"code": "401", "message": "Access denied due to invalid subscription key or wrong API endpoint."}})
            else:
                route_status = status
            entry = {
                "method": self.command,
                "path": url.path,
                "query": query,
                "host": self.tunnel or (headers.get("host") or "").rsplit(":", 1)[0],
                "host_header": headers.get("host"),
                "tls": self.tunnel is not None or tls_ctx is not None and not proxy_hosts,
                "route": route,
                "route_status": route_status,
                "status": status,
                "auth": kind,
                "key_fp": fingerprint(secret) if secret else None,
                "credentials": credentials(headers),
                "organization": headers.get("openai-organization"),
                "project": headers.get("openai-project"),
                "anthropic_version": headers.get("anthropic-version"),
                "x_api_key_fp": fingerprint(headers["x-api-key"]) if headers.get("x-api-key") else None,
                "model": body.get("model") if isinstance(body, dict) else None,
                "user_agent": headers.get("user-agent"),
            }
            write(entry)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-request-id", "loopback")
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--record", required=True)
    p.add_argument("--service", choices=["azure", "openai", "serverless"], required=True)
    p.add_argument("--key", default="fake-key-0001")
    p.add_argument("--deployment", action="append", default=[])
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--proxy-hosts", default="")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--lifetime", type=float, default=600)
    a = p.parse_args()
    deployments = a.deployment or ["gpt-4o-mini"]
    services = {k: Service(k, deployments) for k in ("azure", "openai", "serverless")}
    proxy_hosts = []
    for item in filter(None, a.proxy_hosts.split(",")):
        host, _, kind = item.partition("=")
        proxy_hosts.append((host.strip(), kind.strip() or a.service))
    tls_ctx = None
    if a.tls_cert:
        tls_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_ctx.load_cert_chain(a.tls_cert, a.tls_key)
    handler = make_handler(services, a.service, a.key, a.record, threading.Lock(), proxy_hosts, tls_ctx)
    httpd = ThreadingHTTPServer(("127.0.0.1", a.port), handler)
    httpd.daemon_threads = True
    if tls_ctx and not proxy_hosts:
        httpd.socket = tls_ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    print(httpd.server_address[1], flush=True)
    done = threading.Event()
    # stdin closing means the test that started us is gone: stop with it
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait(a.lifetime)
    httpd.shutdown()


if __name__ == "__main__":
    main()
