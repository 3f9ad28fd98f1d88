# Checks of the ModelArts wire that schemathesis does not have, loaded with SCHEMATHESIS_HOOKS=checks
# (test/harness/fuzz.test.ts puts this folder on PYTHONPATH).
import json
import re

import schemathesis

# Most families answer 4-digit codes; the resource management APIs' spec gives 8-digit ones (ModelArts.50025001).
ERROR_CODE = re.compile(r"^ModelArts\.(\d{4}|\d{8})$")


def _snippet(response):
    return response.text[:300] if response.text else "(empty)"


@schemathesis.check
def modelarts_error_body(ctx, response, case):
    """Every 4xx and 5xx carries {"error_code": "ModelArts.XXXX", "error_msg": "..."}."""
    status = response.status_code
    if status < 400:
        return None
    try:
        body = json.loads(response.content or b"")
    except ValueError:
        raise AssertionError(f"{status} answer is not JSON: {_snippet(response)}")
    if not isinstance(body, dict):
        raise AssertionError(f"{status} answer is not a JSON object: {_snippet(response)}")
    code, msg = body.get("error_code"), body.get("error_msg")
    if not isinstance(code, str) or not isinstance(msg, str):
        raise AssertionError(f"{status} answer lacks string error_code and error_msg: {_snippet(response)}")
    if not ERROR_CODE.match(code):
        raise AssertionError(f"{status} answer has error_code {code!r}, not ModelArts.<4 or 8 digits>")
    return None


@schemathesis.check
def request_id_header(ctx, response, case):
    """Every answer carries X-Request-Id (the SDKs copy it into their exceptions and responses)."""
    if not response.headers.get("x-request-id"):
        raise AssertionError(f"{response.status_code} answer has no X-Request-Id header")
    return None


@schemathesis.check
def json_object_2xx(ctx, response, case):
    """A JSON 2xx body is an object: the Node SDK crashes on null, and the spec shows objects."""
    status = response.status_code
    content_type = (response.headers.get("content-type") or [""])[0]
    if not 200 <= status < 300 or "json" not in content_type:
        return None
    try:
        body = json.loads(response.content or b"")
    except ValueError:
        raise AssertionError(f"{status} JSON answer does not parse: {_snippet(response)}")
    if not isinstance(body, dict):
        raise AssertionError(f"{status} answer is {type(body).__name__}, not a JSON object: {_snippet(response)}")
    return None
