"""A minimal RFC 6455 client for the tests (standard library only): the
opening handshake, masked client frames, text/close frames, and an
incremental frame parser usable with non-blocking sockets."""
import base64
import json
import os
import socket
import struct


def parse_frames(buf):
    """Splits complete frames off `buf`: returns ([(opcode, payload)], rest).
    Walks an offset and cuts once: slicing the rest off after every frame made
    a 64 KiB read of small frames quadratic, too slow for a "fast" reader."""
    frames = []
    at = 0
    end = len(buf)
    while end - at >= 2:
        b0, b1 = buf[at], buf[at + 1]
        n, pos = b1 & 0x7F, at + 2
        if n == 126:
            if end - at < 4:
                break
            n, pos = struct.unpack("!H", buf[at + 2:at + 4])[0], at + 4
        elif n == 127:
            if end - at < 10:
                break
            n, pos = struct.unpack("!Q", buf[at + 2:at + 10])[0], at + 10
        if b1 & 0x80:
            pos += 4  # servers never mask, but skip a mask if present
        if end < pos + n:
            break
        frames.append((b0 & 0x0F, bytes(buf[pos:pos + n])))
        at = pos + n
    return frames, buf[at:]


def frame(opcode, payload=b""):
    """A masked client frame."""
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([0x80 | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


class WebSocket:
    """One connection. status is the HTTP status of the handshake (101 on success)."""

    def __init__(self, port, path, rcvbuf=None, timeout=60, headers=None, protocols=None):
        self.sock = socket.socket()
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        if protocols:
            extra += f"Sec-WebSocket-Protocol: {', '.join(protocols)}\r\n"
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                           f"{extra}\r\n").encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            buf += chunk
        head, self.buf = buf.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {k.lower(): v.strip() for k, v in
                        (line.split(":", 1) for line in lines[1:] if ":" in line)}
        self.body = b""
        if self.status != 101:
            n = int(self.headers.get("content-length", "0"))
            while len(self.buf) < n:
                self.buf += self.sock.recv(4096)
            self.body = self.buf[:n]
        self.messages, self.close_code, self.close_reason = [], None, None

    def feed(self, data):
        """Takes received bytes; returns True once the server's close arrived."""
        self.buf += data
        frames, self.buf = parse_frames(self.buf)
        for op, payload in frames:
            if op == 1:
                self.messages.append(json.loads(payload))
            elif op == 8:
                self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                self.close_reason = payload[2:].decode()
                return True
            elif op == 9:
                self.sock.sendall(frame(10, payload))
        return False

    def read_until(self, pred=lambda ws: False):
        """Reads until the close frame or pred(self); returns self."""
        if self.feed(b""):
            return self
        while not pred(self):
            data = self.sock.recv(65536)
            if not data:
                break
            if self.feed(data):
                try:
                    self.sock.sendall(frame(8, payload=struct.pack("!H", self.close_code)))
                except OSError:
                    pass
                break
        return self

    def events(self):
        return [m for m in self.messages if m.get("type") == "event"]

    def drop(self):
        """Closes the socket without a closing handshake (a lost connection)."""
        self.sock.close()

    def close(self):
        try:
            self.sock.sendall(frame(8, struct.pack("!H", 1000)))
        except OSError:
            pass
        self.sock.close()
