"""Attack suite, hostile input: every malformed request to a real server gets a 4xx with a
reason, never a 5xx, a hang or a traceback; HTML pages echo script and attribute payloads
escaped; path traversal on the static routes gets 404.

Runs against ``attack_server`` (tests/conftest.py): the server on 127.0.0.1 over the sample
graph, with a 2 s query limit. Each request has a client timeout, so a hang fails the test.
"""

from __future__ import annotations

import time
from urllib.parse import quote, urlencode

import pytest
from attack_support import RESULTS_JSON, Reply, ServerProcess, assert_clean

SPARQL_QUERY = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"
# Nothing here may take long: the guard and the parser answer these without running a query.
QUICK_S = 5.0


def _sparql_get(server: ServerProcess, raw_query_string: str, **headers: str) -> Reply:
    return server.get("/sparql?" + raw_query_string, headers=headers or None, timeout=QUICK_S)


def _post(server: ServerProcess, body: bytes, content_type: str | None,
          accept: str = RESULTS_JSON) -> Reply:
    headers = {"Accept": accept}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return server.request("POST", "/sparql", body=body, headers=headers, timeout=QUICK_S)


# --------------------------------------------------------------------------- query text


@pytest.mark.parametrize(("query", "status", "reason"), [
    ("SELECT * WHERE {", 400, "syntax"),
    ("SELEC * WHERE { ?s ?p ?o }", 400, "expected SELECT"),
    ("ASK { ?s ?p }", 400, "syntax"),
    ("SELECT ?x WHERE { ?s ?p ?o } GROUP BY", 400, "syntax"),
    ("SELECT * WHERE { ?s ?p 'unterminated }", 400, "unterminated"),
    ("", 400, "empty"),
    ("   # only a comment", 400, "empty"),
    ("SELECT * WHERE { foo:bar ?p ?o }", 400, "foo"),                 # an unknown prefix
    ("SELECT * WHERE { ?s ?p ?o \x00 }", 400, "syntax"),              # a NUL byte
    ("SELECT * WHERE { ?s ?p \"a\x00b\" }", 200, ""),                   # NUL in a string is data
    ("SELECT * WHERE " + "{" * 5000 + "}" * 5000, 403, "deep"),       # 5,000 nested groups
    ("SELECT * WHERE { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }", 403, "deep"),
    ("SELECT * WHERE { " + "[ <p:a> " * 3000 + "1" + " ]" * 3000 + " }", 403, "deep"),
])
def test_malformed_query_text_is_refused_with_a_reason(
        attack_server: ServerProcess, query: str, status: int, reason: str) -> None:
    for reply in (attack_server.query(query, timeout=QUICK_S),
                  _post(attack_server, query.encode(), SPARQL_QUERY)):
        assert reply.status == status, (reply.status, reply.text[:300])
        assert_clean(reply)
        assert reason.lower() in reply.text.lower()
        assert reply.seconds < QUICK_S


def test_a_megabyte_query_is_refused_every_way(attack_server: ServerProcess) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 1_000_000
    by_body = _post(attack_server, query.encode(), SPARQL_QUERY)
    by_body.assert_refused(413)
    assert "KKG_MAX_QUERY_BYTES" in by_body.text
    _post(attack_server, urlencode({"query": query}).encode(), FORM).assert_refused(413)
    by_url = _sparql_get(attack_server, urlencode({"query": query}))
    by_url.assert_head_refused()  # Granian: the request head is too large


@pytest.mark.parametrize("raw", [
    "query=SELECT%20%2A%20%7B%20%3Fs%20%3Fp%20%22%FF%FE%22%20%7D",   # invalid UTF-8, encoded
    "query=%C0%AF",                                                  # an overlong encoding
    "query=%ED%A0%80",                                               # a UTF-16 surrogate
])
def test_invalid_utf8_in_the_url_is_a_400(attack_server: ServerProcess, raw: str) -> None:
    reply = _sparql_get(attack_server, raw)
    reply.assert_refused(400)
    assert "UTF-8" in reply.text


@pytest.mark.parametrize(("body", "content_type"), [
    (b"SELECT * { ?s ?p \"\xff\xfe\" }", SPARQL_QUERY),
    (b"SELECT * { ?s ?p \"\xc3\" }", SPARQL_QUERY + "; charset=utf-8"),
    (b"query=ASK%20%7B%7D%FF", FORM),
    (b"query=ASK {}\xff", FORM),
])
def test_invalid_utf8_in_the_body_is_a_400(attack_server: ServerProcess, body: bytes,
                                            content_type: str) -> None:
    reply = _post(attack_server, body, content_type)
    reply.assert_refused(400)
    assert "UTF-8" in reply.text


def test_raw_invalid_bytes_and_nul_in_the_request_line(attack_server: ServerProcess) -> None:
    for line in (b"GET /sparql?query=ASK\xff\xfe HTTP/1.1", b"GET /sparql?query=ASK\x00 HTTP/1.1",
                 b"GET /spa\x00rql HTTP/1.1", b"\xff\xfe\xfd / HTTP/1.1"):
        answer = attack_server.raw(line + b"\r\nHost: x\r\nConnection: close\r\n\r\n")
        status = int(answer.split(b" ", 2)[1])
        assert 400 <= status < 500, answer[:200]
        assert b"Traceback" not in answer


@pytest.mark.parametrize(("content_type", "status"), [
    (None, 415),
    ("text/plain", 415),
    ("application/json", 415),
    ("multipart/form-data; boundary=x", 415),
    ("application/sparql-query; charset=x-no-such-charset", 415),
    ("application/sparql-query; charset=utf-16", 415),
    ("application/x-www-form-urlencoded; charset=utf-16", 415),
    ("application/sparql-update", 403),
])
def test_wrong_or_missing_content_type(attack_server: ServerProcess, content_type: str | None,
                                       status: int) -> None:
    reply = _post(attack_server, b"ASK { ?s ?p ?o }\xff", content_type)
    reply.assert_refused(status)


def test_oversized_bodies_are_refused_without_being_read(attack_server: ServerProcess) -> None:
    for content_type in (SPARQL_QUERY, FORM):
        head = (f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {200 * 1024 * 1024}\r\nConnection: close\r\n\r\n").encode()
        started = time.monotonic()
        answer = attack_server.raw(head + b"query=ASK" * 100, timeout=QUICK_S)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert b"limit" in answer and time.monotonic() - started < QUICK_S
    chunked = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
               b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
               + b"".join(b"10000\r\n" + b"#" * 0x10000 + b"\r\n" for _ in range(8)) + b"0\r\n\r\n")
    assert attack_server.raw(chunked, timeout=QUICK_S).startswith(b"HTTP/1.1 413")


def test_too_many_and_repeated_parameters(attack_server: ServerProcess) -> None:
    _sparql_get(attack_server, "a=&" * 1100 + "query=ASK%7B%7D").assert_refused(400)
    _sparql_get(attack_server, "query=ASK%7B%7D&query=ASK%7B%7D").assert_refused(400)
    both = attack_server.request("POST", "/sparql?query=ASK%7B%7D", body=b"query=ASK%7B%7D",
                                 headers={"Content-Type": FORM}, timeout=QUICK_S)
    both.assert_refused(400)


@pytest.mark.parametrize("accept", [
    ",".join(f"a/x{i};q=0.{i % 10}" for i in range(500)),  # 500 ranges, under 8 KB
    "*/*;q=nan", "*/*;q=inf", "*/*;q=-1", "text/csv;q=1e999", "text/csv;q=",
    ";;;;,,,,;;;=;=;", "/", "*/", "application/sparql-results+json;" + "a=b;" * 1500,
    "text/html, */*;q=0.0001", "\x7f\x01",
])
def test_absurd_accept_headers_are_answered_quickly(attack_server: ServerProcess,
                                                    accept: str) -> None:
    reply = attack_server.get("/sparql?query=ASK%7B%7D", headers={"Accept": accept},
                              timeout=QUICK_S)
    assert reply.status in (200, 406) or (accept.startswith("\x7f") and reply.status == 400), (
        reply.status, reply.text[:200])  # the HTTP layer refuses control characters in a header
    assert_clean(reply)
    assert reply.seconds < 2.0
    if reply.status == 406:
        assert "format" in reply.text


def test_headers_beyond_the_http_layers_limits_are_431(attack_server: ServerProcess) -> None:
    huge = attack_server.get("/sparql?query=ASK%7B%7D", headers={"Accept": "a/b," * 200_000},
                             timeout=QUICK_S)
    huge.assert_head_refused()
    many = attack_server.get("/sparql?query=ASK%7B%7D",
                             headers={f"X-H{i}": "1" for i in range(150)}, timeout=QUICK_S)
    many.assert_head_refused()
    assert attack_server.get("/sparql?query=ASK%7B%7D", timeout=QUICK_S).status == 200


@pytest.mark.parametrize("size", [70_000, 450_000])
def test_long_header_fields_are_431_with_a_reason(attack_server: ServerProcess,
                                                  size: int) -> None:
    """Past 64 KB of header fields (and within Granian's 512 KB buffer) the bridge says why."""
    reply = attack_server.get("/sparql?query=ASK%7B%7D", headers={"Accept": "a/b," * (size // 4)},
                              timeout=QUICK_S)
    reply.assert_refused(431)
    assert "64 KB" in reply.text and "POST" in reply.text
    assert reply.headers.get("connection") == "close"
    assert attack_server.get("/sparql?query=ASK%7B%7D", timeout=QUICK_S).status == 200


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "BREW", "TRACE"])
def test_other_methods_are_405(attack_server: ServerProcess, method: str) -> None:
    reply = attack_server.request(method, "/sparql?query=ASK%7B%7D", body=b"x",
                                  timeout=QUICK_S)
    assert reply.status in (400, 405, 501), reply.status
    assert_clean(reply)


def test_the_server_answered_everything_without_a_500(attack_server: ServerProcess) -> None:
    """The log of the whole module: no 5xx, no traceback (a bug would show here first)."""
    log = attack_server.log_text()
    assert "Traceback" not in log, log[-3000:]
    assert '" 500 ' not in log


# --------------------------------------------------------------------------- pages

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "</script><script>alert(1)</script>",
)


def _page_urls(payload: str) -> list[str]:
    q = quote(payload, safe="")
    return [
        f"/?x={q}", f"/search?q={q}", f"/search?q={q}&limit={q}&format={q}",
        f"/resource?iri={q}", f"/resource?iri=http://example.org/{q}",
        f"/resource?iri=kke:{q}", f"/entity/{q}", f"/entity/ketamine?format={q}",
        f"/claim/{q}", f"/document/{q}", f"/use/{q}/{q}", f"/graph/{q}",
        f"/ontology/{q}", f"/ontology?format={q}", f"/graph?focus={q}", f"/graph?depth={q}",
        f"/graph?focus=kke:ketamine&depth={q}", f"/graph/data?focus={q}", f"/editor?x={q}",
        f"/api/queries/{q}", f"/api/queries/conditions-for-drug?drug={q}",
        f"/api/queries/conditions-for-drug?{q}={q}", f"/sparql?query={q}",
        f"/openapi.json?x={q}",
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_paths_and_parameters_come_back_escaped(attack_server: ServerProcess,
                                                            payload: str) -> None:
    for url in _page_urls(payload):
        for accept in ("text/html,application/xhtml+xml,*/*;q=0.8", "*/*"):
            reply = attack_server.get(url, headers={"Accept": accept}, timeout=10)
            assert reply.status < 500, (url, reply.status, reply.text[:300])
            assert_clean(reply)
            content_type = reply.headers.get("content-type", "")
            if "html" in content_type:  # verbatim, the payload would be markup
                assert payload not in reply.text, url
                assert "<script>alert" not in reply.text, url
                assert "script-src 'self'" in reply.headers.get("content-security-policy", "")
            else:  # echoed as data, never as a page a browser would run
                assert reply.headers.get("x-content-type-options") == "nosniff" or (
                    payload not in reply.text), (url, content_type)


def test_a_hostile_host_header_is_escaped_in_the_pages(attack_server: ServerProcess) -> None:
    for url in ("/editor", "/", "/graph"):
        reply = attack_server.get(url, headers={"Host": 'x"><script>alert(1)</script>'},
                                  timeout=10)
        assert reply.status < 500 and "<script>alert" not in reply.text, url


@pytest.mark.parametrize("path", [
    "/static/../../pyproject.toml", "/static/..%2f..%2fpyproject.toml",
    "/static/%2e%2e/%2e%2e/pyproject.toml", "/static/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/static/..%5c..%5cpyproject.toml", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
    "/static/vendor/../../../server/__init__.py", "/static/..%252f..%252fpyproject.toml",
    "/static/css/%00../../../pyproject.toml", "/static/css/site.css%00.html",
    "/ontology/release/../../pyproject.toml", "/ontology/release/..%2f..%2fpyproject.toml",
    "/ontology/release/%2e%2e/%2e%2e/pyproject.toml", "/ontology/release//etc/passwd",
    "/ontology/release/%2fetc%2fpasswd", "/ontology/release/..%5c..%5cpyproject.toml",
    "/ontology/release/....//....//pyproject.toml",
])
def test_path_traversal_on_static_routes_is_404(attack_server: ServerProcess,
                                                path: str) -> None:
    reply = attack_server.get(path, timeout=QUICK_S)
    if reply.status == 308:  # werkzeug merges "//": followed, it must still stay inside
        location = reply.headers["location"].split(str(attack_server.port), 1)[1]
        assert location.startswith(path.split("/", 2)[1].join("//")), location
        reply = attack_server.get(location, timeout=QUICK_S)
    assert reply.status == 404, (path, reply.status, reply.text[:200])
    for secret in (b"[project]", b"root:x:0:0", b"create_app"):
        assert secret not in reply.body
    assert attack_server.get("/static/css/site.css", timeout=QUICK_S).status == 200
