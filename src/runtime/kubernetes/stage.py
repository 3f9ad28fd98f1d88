"""Staging of a workload's pod (training job, task) on the Kubernetes executor (standard library only).

  stage.py in PLAN            downloads the code (when the plan has any) and the inputs the plan names
  stage.py run PLAN -- CMD..  runs CMD, then uploads the outputs when it exited 0; exits with CMD's code

The object store (S3-compatible, signature V4) and its key are in store.json next to the plan.
"""
import datetime
import hashlib
import hmac
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET


def _load(plan_path):
    with open(plan_path) as f:
        plan = json.load(f)
    with open(os.path.join(os.path.dirname(plan_path), "store.json")) as f:
        store = json.load(f)
    return plan, store


def _sign(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def _request(store, method, bucket, key="", query=None, body=b""):
    endpoint = urllib.parse.urlparse(store["endpoint"])
    quoted = urllib.parse.quote(key, safe="/~")
    if store.get("pathStyle", True):
        host, path = endpoint.netloc, f"/{bucket}/{quoted}"
    else:
        host, path = f"{bucket}.{endpoint.netloc}", f"/{quoted}"
    query = sorted((query or {}).items())
    qs = "&".join(f"{urllib.parse.quote(k, safe='~')}={urllib.parse.quote(v, safe='~')}" for k, v in query)
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    payload = hashlib.sha256(body).hexdigest()
    headers = {"host": host, "x-amz-content-sha256": payload, "x-amz-date": amz_date}
    signed = ";".join(sorted(headers))
    canonical = "\n".join([method, path, qs, "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)), signed, payload])
    scope = f"{day}/{store['region']}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    k = _sign(("AWS4" + store["secretAccessKey"]).encode(), day)
    for part in (store["region"], "s3", "aws4_request"):
        k = _sign(k, part)
    signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = f"AWS4-HMAC-SHA256 Credential={store['accessKeyId']}/{scope}, SignedHeaders={signed}, Signature={signature}"
    url = f"{endpoint.scheme}://{host}{path}" + (f"?{qs}" if qs else "")
    req = urllib.request.Request(url, data=body if method == "PUT" else None, method=method, headers={k: v for k, v in headers.items() if k != "host"})
    return urllib.request.urlopen(req, timeout=300)


def _list(store, bucket, prefix):
    token = None
    while True:
        query = {"list-type": "2", "prefix": prefix}
        if token:
            query["continuation-token"] = token
        with _request(store, "GET", bucket, "", query) as r:
            root = ET.fromstring(r.read())
        ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
        for c in root.findall(f"{ns}Contents"):
            yield c.find(f"{ns}Key").text
        if root.findtext(f"{ns}IsTruncated") != "true":
            return
        token = root.findtext(f"{ns}NextContinuationToken")


def _download(store, loc, dest_dir):
    bucket, key = loc["bucket"], loc["key"]
    keys = [key] if key and not key.endswith("/") else list(_list(store, bucket, key))
    base = key if key.endswith("/") or not key else key[: key.rfind("/") + 1]
    for k in keys:
        if k.endswith("/"):
            continue
        rel = k[len(base):]
        if not rel or rel.startswith("/") or ".." in rel.split("/"):
            continue
        target = os.path.join(dest_dir, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with _request(store, "GET", bucket, k) as r, open(target, "wb") as f:
            while chunk := r.read(1 << 20):
                f.write(chunk)
    return len(keys)


def stage_in(plan_path):
    plan, store = _load(plan_path)
    if plan.get("code"):
        n = _download(store, plan["code"], plan["code"]["dir"])
        print(f"[ModelArts Service Log] staged {n} code file(s) into {plan['code']['dir']}", flush=True)
    for i in plan["inputs"]:
        os.makedirs(i["dir"], exist_ok=True)
        n = _download(store, i, i["dir"])
        print(f"[ModelArts Service Log] staged {n} file(s) of input {i['name']} into {i['dir']}", flush=True)
    for o in plan["outputs"]:
        os.makedirs(o["dir"], exist_ok=True)


def upload_outputs(plan_path):
    plan, store = _load(plan_path)
    for o in plan["outputs"]:
        n = 0
        for root, _dirs, files in os.walk(o["dir"]):
            for name in files:
                path = os.path.join(root, name)
                rel = os.path.relpath(path, o["dir"]).replace(os.sep, "/")
                with open(path, "rb") as f:
                    _request(store, "PUT", o["bucket"], o["key"] + rel, body=f.read()).close()
                n += 1
        print(f"[ModelArts Service Log] uploaded {n} file(s) of output {o['name']}", flush=True)


def main(argv):
    if len(argv) >= 2 and argv[0] == "in":
        stage_in(argv[1])
        return 0
    if len(argv) >= 4 and argv[0] == "run" and argv[2] == "--":
        code = subprocess.call(argv[3:])
        if code == 0:
            upload_outputs(argv[1])
        return code if code >= 0 else 128 - code
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
