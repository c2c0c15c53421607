#!/usr/bin/python3
"""A local stand-in for an LLM server, speaking both dialects kagent uses as
they are documented: the Anthropic Messages API (POST /v1/messages, x-api-key,
anthropic-version, {"type":"message",...} replies, {"type":"error",...} errors)
and OpenAI-compatible chat completions (POST /v1/chat/completions,
Authorization: Bearer, choices[0].message.content, usage).

Replies are scripted. The task of a request is the first line of its system
prompt ("kagent-task: plan|write|repair"; a repair also says "Repair round K"),
and the script maps a task key ("plan", "write", "repair-1", ...) to a list of
replies: the n-th request for that key gets the n-th reply (the last one
repeats). A reply is an object with
  "text": "..."  or  "file": "/path" (a .py file is sent in a ```python fence)
  "status": 429 | 529 | 500 | 400 ... (an error in the dialect's shape)
  "retry_after": "1"  (retry-after header), "retry_after_ms": "250"
  "delay": seconds     (wait before answering: a timeout for a short client)
  "drop": true         (close the connection without an answer)
  "cut": true          (stop_reason max_tokens / finish_reason length)

  llm_standin.py --key KEY [--port 0] [--script FILE] [--port-file FILE]

Control (for tests): GET (or POST) /_standin/requests -> every request seen (headers,
task, round, status sent; the user prompt of repairs); POST /_standin/script
with a script object replaces the script and forgets the counts and requests.
Standard library only.
"""
import argparse
import json
import os
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANTHROPIC_ERRORS = {400: "invalid_request_error", 401: "authentication_error",
                    403: "permission_error", 404: "not_found_error", 413: "request_too_large",
                    429: "rate_limit_error", 500: "api_error", 529: "overloaded_error"}
ANTHROPIC_MESSAGES = {"rate_limit_error": "Number of request tokens has exceeded your per-minute rate limit",
                      "overloaded_error": "Overloaded", "api_error": "Internal server error",
                      "authentication_error": "invalid x-api-key"}
REASONS = {529: "Site Overloaded"}


class State:
    def __init__(self, key, script):
        self.key, self.script = key, script
        self.counts, self.requests = {}, []
        self.lock = threading.Lock()

    def next_reply(self, task_key):
        with self.lock:
            n = self.counts.get(task_key, 0)
            self.counts[task_key] = n + 1
            replies = self.script.get(task_key) or []
        if not replies:
            return None
        return replies[min(n, len(replies) - 1)]


def task_of(system, user):
    first = system.split("\n", 1)[0]
    task = first[len("kagent-task: "):].strip() if first.startswith("kagent-task: ") else ""
    rnd = 0
    if task == "repair":
        marker = "Repair round "
        i = user.find(marker)
        if i >= 0:
            digits = user[i + len(marker):].split(" ", 1)[0]
            rnd = int(digits) if digits.isdigit() else 0
        return task, rnd, f"repair-{rnd}"
    return task, rnd, task


def reply_text(reply):
    if "file" in reply:
        with open(reply["file"]) as f:
            body = f.read()
        return "```python\n" + body + "\n```\n" if reply["file"].endswith(".py") else body
    return reply.get("text", "")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "llm-standin/1.0"

    def log_message(self, fmt, *args):
        pass

    # -- plumbing ------------------------------------------------------------
    def send(self, status, obj, headers=None):
        body = json.dumps(obj).encode()
        self.send_response(status, REASONS.get(status))
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def body(self):
        n = int(self.headers.get("content-length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        st = self.server.state
        if self.path == "/_standin/requests":
            with st.lock:
                return self.send(200, {"requests": list(st.requests), "counts": dict(st.counts)})
        self.send(404, {"error": "not found"})

    def do_POST(self):
        st = self.server.state
        raw = self.body()
        if self.path == "/_standin/requests":
            return self.do_GET()
        if self.path == "/_standin/script":
            with st.lock:
                st.script, st.counts, st.requests = json.loads(raw), {}, []
            return self.send(200, {"ok": True})
        if self.path == "/v1/messages":
            return self.serve("anthropic", raw)
        if self.path == "/v1/chat/completions":
            return self.serve("openai", raw)
        if self.path.startswith("/v1/"):
            return self.error_reply("anthropic" if "messages" in self.path else "openai", 404, {},
                                    "not_found_error", f"Not found: {self.path}")
        self.send(404, {"error": "not found"})

    # -- the two dialects ----------------------------------------------------
    def error_reply(self, dialect, status, headers, etype=None, message=None):
        if dialect == "anthropic":
            etype = etype or ANTHROPIC_ERRORS.get(status, "api_error")
            message = message or ANTHROPIC_MESSAGES.get(etype, etype)
            req_id = "req_" + secrets.token_hex(12)
            headers = dict(headers, **{"request-id": req_id})
            if status == 429:
                headers.setdefault("anthropic-ratelimit-requests-limit", "50")
                headers.setdefault("anthropic-ratelimit-requests-remaining", "0")
            return self.send(status, {"type": "error", "error": {"type": etype, "message": message},
                                      "request_id": req_id}, headers)
        if status == 401:
            err = {"message": "Incorrect API key provided. You can find your API key at "
                              "https://platform.openai.com/account/api-keys.",
                   "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}
        elif status == 429:
            err = {"message": "Rate limit reached for requests", "type": "requests", "param": None,
                   "code": "rate_limit_exceeded"}
            headers = dict(headers, **{"x-ratelimit-remaining-requests": "0"})
        elif status >= 500:
            err = {"message": message or "The server had an error while processing your request. "
                                         "Sorry about that!",
                   "type": "server_error", "param": None, "code": None}
        else:
            err = {"message": message or "Invalid request", "type": etype or "invalid_request_error",
                   "param": None, "code": None}
        headers = dict(headers, **{"x-request-id": "req_" + secrets.token_hex(12)})
        return self.send(status, {"error": err}, headers)

    def serve(self, dialect, raw):
        st = self.server.state
        h = {k.lower(): v for k, v in self.headers.items()}
        record = {"time": time.time(), "path": self.path, "dialect": dialect, "headers": h}
        with st.lock:
            st.requests.append(record)
        try:
            req = json.loads(raw or b"{}")
        except ValueError:
            record["status"] = 400
            return self.error_reply(dialect, 400, {}, "invalid_request_error", "body is not JSON")
        # Authentication and the documented required fields, as the real APIs check them.
        if dialect == "anthropic":
            if h.get("x-api-key") != st.key:
                record["status"] = 401
                return self.error_reply(dialect, 401, {})
            if not h.get("anthropic-version"):
                record["status"] = 400
                return self.error_reply(dialect, 400, {}, "invalid_request_error",
                                        "anthropic-version: header is required")
            missing = [k for k in ("model", "max_tokens", "messages") if k not in req]
            system = req.get("system") or ""
            msgs = req.get("messages") or []
        else:
            if h.get("authorization") != f"Bearer {st.key}":
                record["status"] = 401
                return self.error_reply(dialect, 401, {})
            missing = [k for k in ("model", "messages") if k not in req]
            msgs = req.get("messages") or []
            system = next((m.get("content", "") for m in msgs if m.get("role") == "system"), "")
            msgs = [m for m in msgs if m.get("role") != "system"]
        if missing or not msgs:
            record["status"] = 400
            return self.error_reply(dialect, 400, {}, "invalid_request_error",
                                    f"{(missing or ['messages'])[0]}: Field required")
        user = "".join(m.get("content", "") for m in msgs if m.get("role") == "user")
        task, rnd, key = task_of(system, user)
        record.update(task=task, round=rnd, model=req.get("model"), max_tokens=req.get("max_tokens"),
                      user=user if task == "repair" else user[:2000], user_chars=len(user))
        reply = st.next_reply(key)
        if reply is None:
            record["status"] = 400
            return self.error_reply(dialect, 400, {}, "invalid_request_error",
                                    f"no scripted reply for {key}")
        if reply.get("delay"):
            time.sleep(float(reply["delay"]))
        if reply.get("drop"):
            record["status"] = "dropped"
            self.close_connection = True
            self.connection.shutdown(2)
            return
        status = int(reply.get("status", 200))
        record["status"] = status
        if status != 200:
            headers = {}
            if "retry_after" in reply:
                headers["retry-after"] = str(reply["retry_after"])
            if "retry_after_ms" in reply:
                headers["retry-after-ms"] = str(reply["retry_after_ms"])
            return self.error_reply(dialect, status, headers)
        text = reply_text(reply)
        tokens_in = max(1, (len(system) + len(user)) // 4)
        tokens_out = max(1, len(text) // 4)
        model = req["model"]
        if dialect == "anthropic":
            return self.send(200, {
                "id": "msg_" + secrets.token_hex(12), "type": "message", "role": "assistant",
                "model": model, "content": [{"type": "text", "text": text}],
                "stop_reason": "max_tokens" if reply.get("cut") else "end_turn",
                "stop_sequence": None,
                "usage": {"input_tokens": tokens_in, "output_tokens": tokens_out}},
                {"request-id": "req_" + secrets.token_hex(12)})
        return self.send(200, {
            "id": "chatcmpl-" + secrets.token_hex(12), "object": "chat.completion",
            "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text, "refusal": None},
                         "logprobs": None, "finish_reason": "length" if reply.get("cut") else "stop"}],
            "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out,
                      "total_tokens": tokens_in + tokens_out},
            "system_fingerprint": "fp_standin"},
            {"x-request-id": "req_" + secrets.token_hex(12), "openai-processing-ms": "1"})


def main():
    ap = argparse.ArgumentParser(description="LLM stand-in (Anthropic + OpenAI dialects)")
    ap.add_argument("--key", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--script", default="")
    ap.add_argument("--port-file", default="")
    a = ap.parse_args()
    script = json.load(open(a.script)) if a.script else {}
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.state = State(a.key, script)
    port = srv.server_address[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.rename(tmp, a.port_file)
    print(f"llm-standin listening on 127.0.0.1:{port}", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
