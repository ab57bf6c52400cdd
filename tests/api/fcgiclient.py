"""A small FastCGI client (FastCGI 1.0 specification), for talking to a
worker's socket directly: the requests nginx would never send."""
import socket
import struct

VERSION = 1
BEGIN_REQUEST, ABORT_REQUEST, END_REQUEST = 1, 2, 3
PARAMS, STDIN, STDOUT, STDERR = 4, 5, 6, 7
RESPONDER = 1


def record(rtype, content, request_id=1):
    """One record; content of at most 65535 bytes."""
    return struct.pack("!BBHHBB", VERSION, rtype, request_id, len(content),
                       0, 0) + content


def _length(n):
    return struct.pack("!B", n) if n < 128 else struct.pack("!I", n | 1 << 31)


def pairs(params):
    out = b""
    for name, value in params.items():
        name, value = name.encode(), value.encode()
        out += _length(len(name)) + _length(len(value)) + name + value
    return out


def begin():
    return record(BEGIN_REQUEST, struct.pack("!HB5x", RESPONDER, 0))


def params_records(params):
    data = pairs(params)
    out = b""
    for i in range(0, len(data), 65535):
        out += record(PARAMS, data[i:i + 65535])
    return out + record(PARAMS, b"")


def stdin_records(body, end=True):
    out = b""
    for i in range(0, len(body), 65535):
        out += record(STDIN, body[i:i + 65535])
    return out + (record(STDIN, b"") if end else b"")


def connect(path, timeout=10):
    """path: a unix socket's path, or (host, port) for TCP."""
    family = socket.AF_INET if isinstance(path, tuple) else socket.AF_UNIX
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    return s


def read_response(sock):
    """Read records until END_REQUEST or EOF.  Returns (status, headers,
    body) parsed from STDOUT, or None when the worker closed the
    connection without a response."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    out, pos, ended = b"", 0, False
    while pos + 8 <= len(data):
        _, rtype, _, clen, plen, _ = struct.unpack("!BBHHBB",
                                                   data[pos:pos + 8])
        content = data[pos + 8:pos + 8 + clen]
        pos += 8 + clen + plen
        if rtype == STDOUT:
            out += content
        elif rtype == END_REQUEST:
            ended = True
    if not ended or not out:
        return None
    head, _, body = out.partition(b"\r\n\r\n")
    headers = {}
    for line in head.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    status = int(headers.get("status", "200").split()[0])
    return status, headers, body


def request(path, method, uri, body=b"", content_type=None,
            extra_params=None, timeout=10):
    """One whole, well-formed request."""
    params = {"REQUEST_METHOD": method, "DOCUMENT_URI": uri,
              "REQUEST_URI": uri, "QUERY_STRING": "",
              "CONTENT_LENGTH": str(len(body)) if body else "",
              "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}
    if content_type:
        params["CONTENT_TYPE"] = content_type
    params.update(extra_params or {})
    s = connect(path, timeout)
    try:
        s.sendall(begin() + params_records(params) + stdin_records(body))
        return read_response(s)
    finally:
        s.close()
