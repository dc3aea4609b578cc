#!/usr/bin/env python3
"""A client of the page written as legacy Python code writes one: the standard library only.

Reads {"origin": "http://host:port", "requests": [...]} as JSON on stdin, sends the requests one
after another, and prints a JSON list of answers on stdout, in the same order. A request is
{"method", "path", "query": [[name, value]...], "form": {"encoding": "multipart"|"urlencoded",
"fields": [[name, value]...]}} (test/compat/compat-request.ts). An answer is {"status",
"headers" (names lower-cased), "body" (base64), "read"}: "read" is what ElementTree made of an XML
answer (its top-level fields), or null for any other answer.
"""
import base64
import json
import sys
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlencode


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


def send(origin, request):
    url = origin + request.get('path', '/WebAPI/TaskManager.aspx')
    if request.get('query'):
        url += '?' + urlencode(pairs(request['query']))
    data = None
    headers = {}
    form = request.get('form')
    if form and form['encoding'] == 'multipart':
        data, headers['Content-Type'] = multipart_body(form['fields'])
    elif form:
        data = urlencode(pairs(form['fields'])).encode('ascii')
        headers['Content-Type'] = 'application/x-www-form-urlencoded'
    outgoing = urllib.request.Request(url, data=data, headers=headers, method=request['method'])
    try:
        with OPENER.open(outgoing, timeout=30) as response:
            status, received, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, received, body = error.code, error.headers, error.read()
    return {
        'status': status,
        'headers': {name.lower(): value for name, value in received.items()},
        'body': base64.b64encode(body).decode('ascii'),
        'read': read_xml(body, received.get('Content-Type', '')),
    }


def main():
    batch = json.load(sys.stdin)
    answers = [send(batch['origin'], request) for request in batch['requests']]
    json.dump(answers, sys.stdout)


if __name__ == '__main__':
    main()
