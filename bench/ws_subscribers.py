#!/usr/bin/env python3
"""Many WebSocket subscribers of one job (bench/bench_ws.sh): opens --n
connections to --path in --procs processes (epoll, raw sockets), says READY
on stdout once all are upgraded, reads every frame until the end frame and
prints one RESULT line. A frame's delay is the kernel's receive timestamp of
the bytes (SO_TIMESTAMPNS, so the client's own lag does not count) minus the
event's `time`; only events stamped after READY are timed (earlier ones are
replay)."""
import argparse
import base64
import datetime
import json
import multiprocessing as mp
import os
import selectors
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
from ws_client import frame, parse_frames  # noqa: E402

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
CONNECT_BATCH = 256  # handshakes in flight per process


class Sub:
    __slots__ = ("sock", "buf", "upgraded", "seqs", "ended", "close_code")

    def __init__(self, sock):
        self.sock, self.buf, self.upgraded = sock, b"", False
        self.seqs, self.ended, self.close_code = set(), False, None


def event_ms(text, cache={}):
    # Every subscriber sees the same strings: parse each once.
    v = cache.get(text)
    if v is None:
        v = cache[text] = datetime.datetime.fromisoformat(text).timestamp() * 1000.0
    return v


def worker(port, path, n, ready, go, out, timeout):
    sel = selectors.EpollSelector()
    subs, pending, done_count = [], n, 0
    delays = []
    t_go = [None]

    def start_one():
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        sub = Sub(s)
        subs.append(sub)
        sel.register(s, selectors.EVENT_WRITE, sub)

    in_flight = 0
    upgraded = 0
    while pending and in_flight < CONNECT_BATCH:
        start_one(); pending -= 1; in_flight += 1
    deadline = time.time() + timeout
    while time.time() < deadline:
        if upgraded == n and t_go[0] is None:
            ready.put(upgraded)
            t_go[0] = go.get() * 1000.0
        if done_count == n:
            break
        for key, mask in sel.select(1.0):
            sub = key.data
            if mask & selectors.EVENT_WRITE:
                k = base64.b64encode(os.urandom(16)).decode()
                sub.sock.send((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                               "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                               f"Sec-WebSocket-Key: {k}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
                sel.modify(sub.sock, selectors.EVENT_READ, sub)
                continue
            try:
                data, anc, _, _ = sub.sock.recvmsg(262144, 64)
            except BlockingIOError:
                continue
            except OSError:
                data, anc = b"", []
            recv_ms = time.time() * 1000.0
            for level, typ, val in anc:
                if level == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", val[:16])
                    recv_ms = sec * 1000.0 + nsec / 1e6
            if not data:
                sel.unregister(sub.sock); sub.sock.close(); done_count += 1
                if not sub.upgraded:
                    in_flight -= 1
                continue
            sub.buf += data
            if not sub.upgraded:
                if b"\r\n\r\n" not in sub.buf:
                    continue
                head, sub.buf = sub.buf.split(b"\r\n\r\n", 1)
                if not head.startswith(b"HTTP/1.1 101"):
                    sys.stderr.write("upgrade refused: %s\n" % head.split(b"\r\n")[0].decode())
                    sel.unregister(sub.sock); sub.sock.close(); done_count += 1
                    in_flight -= 1
                    continue
                sub.upgraded = True
                upgraded += 1
                in_flight -= 1
                while pending and in_flight < CONNECT_BATCH:
                    start_one(); pending -= 1; in_flight += 1
            frames, sub.buf = parse_frames(sub.buf)
            for op, payload in frames:
                if op == 1:
                    m = json.loads(payload)
                    if m["type"] == "event":
                        sub.seqs.add(m["seq"])
                        t = event_ms(m["time"])
                        if t_go[0] is not None and t >= t_go[0]:
                            delays.append(recv_ms - t)
                    elif m["type"] == "end":
                        sub.ended = True
                elif op == 8:
                    sub.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                    try:
                        sub.sock.send(frame(8, payload[:2]))
                    except OSError:
                        pass
                    sel.unregister(sub.sock); sub.sock.close(); done_count += 1
                    break
                elif op == 9:
                    sub.sock.send(frame(10, payload))
    if t_go[0] is None:
        ready.put(upgraded)
    codes = {}
    for s in subs:
        codes[s.close_code] = codes.get(s.close_code, 0) + 1
    out.put((delays, [(sorted(s.seqs), s.ended) for s in subs], codes))


def pct(xs, p):
    return xs[min(len(xs) - 1, int(len(xs) * p))] if xs else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--path", required=True)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=600)
    a = ap.parse_args()
    ready, go, out = mp.Queue(), mp.Queue(), mp.Queue()
    shares = [a.n // a.procs + (1 if i < a.n % a.procs else 0) for i in range(a.procs)]
    ps = [mp.Process(target=worker, args=(a.port, a.path, k, ready, go, out, a.timeout))
          for k in shares]
    t0 = time.time()
    for p in ps:
        p.start()
    upgraded = sum(ready.get() for _ in ps)
    t_go = time.time()
    print(f"READY subscribers={upgraded} connect_s={t_go - t0:.1f}", flush=True)
    for _ in ps:
        go.put(t_go)
    delays, subs, codes = [], [], {}
    for _ in ps:
        d, s, c = out.get()
        delays += d; subs += s
        for k, v in c.items():
            codes[k] = codes.get(k, 0) + v
    for p in ps:
        p.join()
    top = max((seqs[-1] for seqs, _ in subs if seqs), default=0)
    complete = sum(1 for seqs, ended in subs if ended and seqs == list(range(1, top + 1)))
    delays.sort()
    missing = {}
    for seqs, ended in subs:
        key = (ended, tuple(sorted(set(range(1, top + 1)) - set(seqs)))[:8])
        if key[1] or not ended:
            missing[key] = missing.get(key, 0) + 1
    for (ended, gap), count in sorted(missing.items(), key=lambda kv: -kv[1])[:5]:
        print(f"INCOMPLETE subscribers={count} ended={ended} missing_seqs={list(gap)}")
    print(f"CLOSE codes={json.dumps({str(k): v for k, v in codes.items()})}")
    print(f"RESULT ws subscribers={len(subs)} upgraded={upgraded} events={top} "
          f"all_received={complete} timed_frames={len(delays)} p50_ms={pct(delays, 0.5):.1f} "
          f"p99_ms={pct(delays, 0.99):.1f} max_ms={(delays[-1] if delays else float('nan')):.1f}",
          flush=True)


if __name__ == "__main__":
    main()
