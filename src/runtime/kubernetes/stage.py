"""Staging of a workload's pod (training job, task) on the Kubernetes executor (standard library only).

  stage.py in PLAN                 downloads the code (when the plan has any) and the inputs the plan names
  stage.py run PLAN -- CMD..       runs CMD, then uploads the outputs when it exited 0; exits with CMD's code
  stage.py handoff DIR -- CMD..    runs CMD; when it exited 0, asks the uploader for the upload through DIR and
                                   waits for its answer; exits with CMD's code (1 when the upload failed)
  stage.py out PLAN DIR            the uploader: waits for the request in DIR, uploads the outputs, answers, and
                                   stays until it is stopped

The object store (S3-compatible, signature V4) and its key are in store.json next to the plan. `handoff` needs
neither: it runs where user code runs, which must not see the key; `out` runs in a container of its own. Outputs
are read without following symbolic links, so a link the user's code leaves cannot make the uploader read its files.
"""
import datetime
import hashlib
import hmac
import json
import os
import signal
import stat
import subprocess
import time
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


def _request(store, method, bucket, key="", query=None, body=b"", payload=None, length=None):
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
    payload = payload or hashlib.sha256(body).hexdigest()
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
    sent = {k: v for k, v in headers.items() if k != "host"}
    if length is not None:
        sent["content-length"] = str(length)
    req = urllib.request.Request(url, data=body if method == "PUT" else None, method=method, headers=sent)
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
    # an input of one shard is for the pod of that completion index alone (a batch run's pods split its files)
    shard = os.environ.get("JOB_COMPLETION_INDEX", "")
    for i in plan["inputs"]:
        if "shard" in i and str(i["shard"]) != shard:
            continue
        os.makedirs(i["dir"], exist_ok=True)
        n = _download(store, i, i["dir"])
        print(f"[ModelArts Service Log] staged {n} file(s) of input {i['name']} into {i['dir']}", flush=True)
    for o in plan["outputs"]:
        os.makedirs(o["dir"], exist_ok=True)


def _regular_files(top):
    """(relative path, open file) of each regular file below top; links, devices and pipes are passed over."""
    for root, _dirs, files, dirfd in os.fwalk(top):
        for name in files:
            try:
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dirfd)
            except OSError:
                continue
            f = os.fdopen(fd, "rb")
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                f.close()
                continue
            yield os.path.relpath(os.path.join(root, name), top).replace(os.sep, "/"), f


def _put_file(store, bucket, key, f):
    digest = hashlib.sha256()
    while chunk := f.read(1 << 20):
        digest.update(chunk)
    f.seek(0)
    _request(store, "PUT", bucket, key, body=f, payload=digest.hexdigest(), length=os.fstat(f.fileno()).st_size).close()


def upload_outputs(plan_path):
    plan, store = _load(plan_path)
    for o in plan["outputs"]:
        n = 0
        if os.path.isdir(o["dir"]):
            for rel, f in _regular_files(o["dir"]):
                with f:
                    _put_file(store, o["bucket"], o["key"] + rel, f)
                n += 1
        print(f"[ModelArts Service Log] uploaded {n} file(s) of output {o['name']}", flush=True)


def _exit_code(code):
    return code if code >= 0 else 128 - code


def _tell(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def _await(path):
    while not os.path.exists(path):
        time.sleep(0.2)
    with open(path) as f:
        return f.read()


def handoff(exchange, cmd):
    code = subprocess.call(cmd)
    if code != 0:
        return _exit_code(code)
    answer_path = os.path.join(exchange, "uploaded")
    if os.path.exists(answer_path):
        os.remove(answer_path)
    _tell(os.path.join(exchange, "exit"), "0")
    answer = _await(answer_path)
    if answer != "ok":
        print(f"[ModelArts Service Log] the outputs were not uploaded: {answer}", file=sys.stderr, flush=True)
        return 1
    return 0


def serve_out(plan_path, exchange):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    _await(os.path.join(exchange, "exit"))
    try:
        upload_outputs(plan_path)
        answer = "ok"
    except Exception as e:  # the worker reports it and fails
        answer = f"{type(e).__name__}: {e}"
    _tell(os.path.join(exchange, "uploaded"), answer)
    # A sidecar that exits is restarted: it waits to be stopped with the pod instead.
    while True:
        signal.pause()


def main(argv):
    if len(argv) >= 2 and argv[0] == "in":
        stage_in(argv[1])
        return 0
    if len(argv) >= 4 and argv[0] == "run" and argv[2] == "--":
        code = subprocess.call(argv[3:])
        if code == 0:
            upload_outputs(argv[1])
        return _exit_code(code)
    if len(argv) >= 4 and argv[0] == "handoff" and argv[2] == "--":
        return handoff(argv[1], argv[3:])
    if len(argv) == 3 and argv[0] == "out":
        serve_out(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
