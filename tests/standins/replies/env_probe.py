# Prepended by the tests to a scripted program: prints what a program in the
# train sandbox can see of secrets and networks, one "probe:" line each.
import os as _os
import socket as _socket

print("probe: environ " + repr(dict(_os.environ)), flush=True)
try:
    print("probe: proc environ " + repr(open("/proc/self/environ", "rb").read()), flush=True)
except OSError as _e:
    print("probe: proc environ unreadable " + str(_e), flush=True)
for _path in ("/run/kagent/llm.sock", "__HOST_SOCKET__"):
    _s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        _s.connect(_path)
        print("probe: socket " + _path + " reachable", flush=True)
    except OSError as _e:
        print("probe: socket " + _path + " unreachable " + type(_e).__name__, flush=True)
    finally:
        _s.close()
_t = _socket.socket()
_t.settimeout(2)
try:
    _t.connect(("127.0.0.1", __STANDIN_PORT__))
    print("probe: tcp reachable", flush=True)
except OSError as _e:
    print("probe: tcp unreachable " + type(_e).__name__, flush=True)
finally:
    _t.close()
