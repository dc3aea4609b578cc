#!/usr/bin/env python3
"""A client of the page written as legacy Python code writes one: the standard library only.

Reads {"origin": "http://host:port", "requests": [...]} as JSON on stdin, sends the requests one
after another, and prints a JSON list of answers on stdout, in the same order. A request is
{"method", "path", "query": [[name, value]...], "form": {"encoding": "multipart"|"urlencoded",
"fields": [[name, value]...], "charset"}, "headers", "sameConnection": {"idleSeconds"}}
(test/compat/compat-request.ts). An answer is {"status", "headers" (names lower-cased), "body"
(base64), "read"}: "read" is what ElementTree made of an XML answer (its top-level fields), or null
for any other answer.

A request with "sameConnection" is sent with http.client on the connection of the request before
it, after sleeping "idleSeconds" (as a pooled .NET or Java client reuses an idle connection); its
answer says the connection's local port ("localPort"), so that the reuse can be seen.
"""
import base64
import http.client
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlencode, urlsplit


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    """A 302 is an answer under test (SuccessfulUrl, FailedUrl): report it instead of following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


OPENER = urllib.request.build_opener(KeepRedirects)


def multipart_body(fields):
    """multipart/form-data built by hand, as Python 2 era code (and much code since) builds it."""
    boundary = '----------' + uuid.uuid4().hex
    lines = []
    for name, value in fields:
        lines.append('--' + boundary)
        lines.append('Content-Disposition: form-data; name="%s"' % name)
        lines.append('')
        lines.append(value)
    lines.append('--' + boundary + '--')
    lines.append('')
    return '\r\n'.join(lines).encode('utf-8'), 'multipart/form-data; boundary=' + boundary


def read_xml(body, content_type):
    if 'xml' not in content_type:
        return None
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        return {'error': str(error)}
    fields = {child.tag: child.text or '' for child in root if len(child) == 0}
    return {'root': root.tag, 'fields': fields}


def pairs(fields):
    """urlencode takes a list of tuples (JSON brings lists); a list keeps the order and repeats."""
    return [(name, value) for name, value in fields]


def prepare(request):
    """The request's path with its query string, body and headers."""
    path = request.get('path', '/WebAPI/TaskManager.aspx')
    if request.get('query'):
        path += '?' + urlencode(pairs(request['query']))
    data = None
    headers = dict(request.get('headers', {}))
    form = request.get('form')
    if form and form['encoding'] == 'multipart':
        data, headers['Content-Type'] = multipart_body(form['fields'])
    elif form and form.get('charset'):
        # A legacy form page in Big5: the browser (or script) encodes the fields in the page's charset.
        data = urlencode(pairs(form['fields']), encoding=form['charset']).encode('ascii')
        headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=' + form['charset']
    elif form:
        data = urlencode(pairs(form['fields'])).encode('ascii')
        headers['Content-Type'] = 'application/x-www-form-urlencoded'
    return path, data, headers


class Connection:
    """One http.client connection, kept between the requests that ask for it."""

    def __init__(self, origin):
        parts = urlsplit(origin)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def send(self, request):
        path, data, headers = prepare(request)
        self.connection.request(request['method'], path, body=data, headers=headers)
        response = self.connection.getresponse()
        body = response.read()
        return response.status, response.headers, body, self.connection.sock.getsockname()[1]


def send(origin, request, connection):
    if request.get('sameConnection'):
        time.sleep(request['sameConnection']['idleSeconds'])
        status, received, body, port = connection.send(request)
        return answer(status, received, body, port)
    path, data, headers = prepare(request)
    outgoing = urllib.request.Request(origin + path, data=data, headers=headers, method=request['method'])
    try:
        with OPENER.open(outgoing, timeout=30) as response:
            status, received, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, received, body = error.code, error.headers, error.read()
    return answer(status, received, body)


def answer(status, received, body, port=None):
    result = {
        'status': status,
        'headers': {name.lower(): value for name, value in received.items()},
        'body': base64.b64encode(body).decode('ascii'),
        'read': read_xml(body, received.get('Content-Type', '')),
    }
    if port is not None:
        result['localPort'] = port
    return result


def main():
    batch = json.load(sys.stdin)
    connection = Connection(batch['origin'])
    answers = [send(batch['origin'], request, connection) for request in batch['requests']]
    json.dump(answers, sys.stdout)


if __name__ == '__main__':
    main()
