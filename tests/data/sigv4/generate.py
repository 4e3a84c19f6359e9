#!/usr/bin/env python3
"""Writes botocore_vectors.txt: requests signed by botocore's own SigV4 signer.

The oracle for tests/gateway/control/sigv4_verifier_test.cpp: each case is a
request exactly as an AWS client puts it on the wire (method, target, every
header including Host and Authorization, body) with the canonical request
botocore signed, so the C++ verifier is checked against the signer the AWS CLI
and boto3 use rather than against itself. Run once and commit the output; the
test reads the file and needs no Python:

    python3 tests/data/sigv4/generate.py > tests/data/sigv4/botocore_vectors.txt

With --corpus DIR it also writes fuzz seeds for gateway/control/fuzz/fuzz_sigv4.cpp
(tests/data/sigv4/corpus/): some of the signed cases and a few refusals, in that
target's input format (method, target, Authorization, X-Amz-Date, one line each,
then "name:value" lines, an empty line, the body).

Needs botocore (Debian: python3-botocore, pulled in by python3-boto3). The clock
is pinned, so the output depends only on botocore's signing rules.

File format: one field a line, `key value`; blocks start with `case NAME` and
end with `end`. Values are written with every byte outside '!'..'~' and every
backslash as \\XX (two hex digits), so a value is one token and a percent-escape
reads as sent; `header NAME VALUE` may repeat.
"""
import datetime
import os
import sys
from unittest import mock

import botocore
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ENDPOINT = "http://127.0.0.1:9080"
HOST = "127.0.0.1:9080"  # what http.client sends in Host for ENDPOINT
ACCESS_KEY_ID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
SERVICE = "apigateway"
SIGNED_AT = datetime.datetime(2026, 3, 14, 15, 9, 26)  # UTC

# (name, method, target as sent, extra headers, body)
CASES = [
    ("get_usage_plans_page", "GET", "/usageplans?limit=2&position=abc",
     [("Accept", "application/json"), ("User-Agent", "aws-cli/2.15.0 Python/3.11.7")], b""),
    ("patch_usage_plan_json", "PATCH", "/usageplans/pl4n0001",
     [("Accept", "application/json"), ("Content-Type", "application/json")],
     b'{"patchOperations":[{"op":"replace","path":"/throttle/rateLimit","value":"50"}]}'),
    ("post_api_key_json", "POST", "/apikeys",
     [("Accept", "application/json"), ("Content-Type", "application/json")],
     b'{"name":"client","enabled":true,"value":"k\\u00e9y \\"q\\""}'),
    ("import_api_keys_csv", "POST", "/apikeys?mode=import&format=csv&failonwarnings=false",
     [("Accept", "application/json")], b"Name,Key,Enabled\nclient,abcdefghijklmnopqrstuvwxyz,true\n"),
    ("delete_usage_plan_key", "DELETE", "/usageplans/pl4n0001/keys/k3y00001",
     [("Accept", "application/json")], b""),
    ("root_path", "GET", "/", [("Accept", "application/json")], b""),
    ("path_tilde_one", "GET", "/restapis/a1b2c3/stages/v1/~1pets~1GET",
     [("Accept", "application/json")], b""),
    ("path_escaped_slash", "GET", "/restapis/a1b2c3/stages/v%2F1/sdks/java",
     [("Accept", "application/json")], b""),
    ("path_spaces_and_reserved", "GET", "/apikeys/my%20key%20(1)/tags%3A%40%24%2B%2C%3B%3D",
     [("Accept", "application/json")], b""),
    ("path_utf8_escapes", "GET", "/restapis/%E2%82%AC%C3%A9/resources",
     [("Accept", "application/json")], b""),
    ("path_dot_segments_and_slashes", "GET", "/restapis//a1b2c3/./stages/x/../v1/",
     [("Accept", "application/json")], b""),
    ("query_special_characters", "GET",
     "/apikeys?nameQuery=a%20b%2Bc%26d%3De%2F%3F&customerId=%E2%82%AC%25&includeValues=true",
     [("Accept", "application/json")], b""),
    ("query_repeated_keys", "GET", "/tags?k=b&k=a&k=a&j=&a-b=1&a=2&A=3&flag",
     [("Accept", "application/json")], b""),
    ("query_unreserved_kept", "GET", "/usageplans?keyId=Az09-_.~&position=x~y",
     [("Accept", "application/json")], b""),
    ("headers_folded_spaces", "PUT", "/restapis/a1b2c3/resources/r1/methods/GET",
     [("Accept", "application/json"), ("Content-Type", "application/json"),
      ("X-Custom-Folded", "   a   b \t c    d  "), ("X-Empty", ""),
      ("X-UPPER-Name", "Mixed Case Value")],
     b'{"authorizationType":"NONE","apiKeyRequired":true}'),
    ("get_usage_dates", "GET",
     "/usageplans/pl4n0001/usage?startDate=2026-12-01&endDate=2026-12-07&keyId=k3y00001",
     [("Accept", "application/json")], b""),
]


def escape(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return "".join(chr(b) if 0x21 <= b <= 0x7E and b != 0x5C else "\\%02X" % b for b in data)


class RecordingSigV4Auth(SigV4Auth):
    """botocore's signer, keeping the canonical request it signed."""

    signed_canonical_request = None

    def canonical_request(self, request):
        self.signed_canonical_request = super().canonical_request(request)
        return self.signed_canonical_request


def sign(method, target, headers, body):
    request = AWSRequest(method=method, url=ENDPOINT + target, data=body, headers=dict(headers))
    auth = RecordingSigV4Auth(Credentials(ACCESS_KEY_ID, SECRET), SERVICE, REGION)
    with mock.patch("botocore.auth.get_current_datetime", return_value=SIGNED_AT):
        auth.add_auth(request)
    canonical = auth.signed_canonical_request
    prepared = request.prepare()
    wire_headers = [("Host", HOST)] + list(prepared.headers.items())
    return wire_headers, canonical


CORPUS_CASES = {"get_usage_plans_page", "patch_usage_plan_json", "path_escaped_slash",
                "path_dot_segments_and_slashes", "query_special_characters",
                "query_repeated_keys", "headers_folded_spaces"}
CORPUS_REFUSALS = {
    "missing_authorization": b"GET\n/usageplans\n\n20260314T150926Z\n\n",
    "basic_scheme": b"GET\n/\nBasic dXNlcjpwYXNzd29yZA==\n20260314T150926Z\n\n",
    "no_equal_sign": b"GET\n/\nAWS4-HMAC-SHA256 Credential= AKIDFUZZ/20260314/us-east-1/apigateway/"
                     b"aws4_request, SignedHeaders=host;x-amz-date, Signature=00\n20260314T150926Z\n\n",
    "bad_scope": b"GET\n/\nAWS4-HMAC-SHA256 Credential=AKIDFUZZ/20260313/US/s3/aws5_request,"
                 b"SignedHeaders=host;x-amz-date,Signature=00\n20260314T150926Z\n"
                 b"X-Amz-Security-Token:tok\n\n",
    "expired_date": b"POST\n/apikeys?mode=import&format=csv\nAWS4-HMAC-SHA256 Credential=AKIDFUZZ/"
                    b"20260314/us-east-1/apigateway/aws4_request, SignedHeaders=host;"
                    b"x-amz-content-sha256;x-amz-date, Signature=00\n20250101T000000Z\n"
                    b"x-amz-content-sha256:UNSIGNED-PAYLOAD\n\nName,Key\n",
}


def write_corpus(directory):
    os.makedirs(directory, exist_ok=True)
    for name, method, target, headers, body in CASES:
        if name not in CORPUS_CASES:
            continue
        wire_headers, _ = sign(method, target, headers, body)
        by_name = {n.lower(): v for n, v in wire_headers}
        lines = [method, target, by_name["authorization"], by_name["x-amz-date"]]
        lines += ["%s:%s" % (n, v) for n, v in wire_headers
                  if n.lower() not in ("host", "authorization", "x-amz-date")]
        with open(os.path.join(directory, name), "wb") as f:
            f.write("\n".join(lines).encode("utf-8") + b"\n\n" + body)
    for name, data in CORPUS_REFUSALS.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--corpus":
        write_corpus(sys.argv[2])
        return
    out = sys.stdout
    out.write("# Generated by tests/data/sigv4/generate.py with botocore %s; do not edit.\n"
              % botocore.__version__)
    out.write("access_key_id %s\nsecret %s\nregion %s\nservice %s\nnow %s\n\n" % (
        ACCESS_KEY_ID, escape(SECRET), REGION, SERVICE, SIGNED_AT.strftime("%Y%m%dT%H%M%SZ")))
    for name, method, target, headers, body in CASES:
        wire_headers, canonical = sign(method, target, headers, body)
        out.write("case %s\nmethod %s\ntarget %s\n" % (name, method, escape(target)))
        for header_name, value in wire_headers:
            out.write("header %s %s\n" % (header_name, escape(value)))
        out.write("body %s\n" % escape(body))
        out.write("canonical_request %s\nend\n\n" % escape(canonical))


if __name__ == "__main__":
    main()
