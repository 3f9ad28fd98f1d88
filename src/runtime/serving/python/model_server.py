"""Atelier's model server for ModelArts model packages: loads model/customize_service.py (or the
model type's default base class), then answers POST / through _preprocess, _inference and
_postprocess, and GET /health. Prints "ATELIER_READY <port>" once it listens. What the model's
code prints, and the traceback of a prediction that fails, go to the instance's log."""
import argparse
import importlib.util
import inspect
import io
import json
import os
import sys
import threading
import time
import traceback
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASES = {
    "TensorFlow": ("model_service.tfserving_model_service", "TfServingBaseService"),
    "MXNet": ("mms.model_service.mxnet_model_service", "MXNetBaseService"),
    "PyTorch": ("model_service.pytorch_model_service", "PTServingBaseService"),
    "Spark_MLlib": ("model_service.spark_model_service", "SparkServingBaseService"),
    "Caffe": ("model_service.caffe_model_service", "CaffeBaseService"),
    "XGBoost": ("model_service.python_model_service", "XgSklServingBaseService"),
    "Scikit_Learn": ("model_service.python_model_service", "XgSklServingBaseService"),
    "MindSpore": ("model_service.model_service", "SingleNodeService"),
}
# For these types self.model_path is the model file, not the folder (as the guide says).
FILE_PATH_TYPES = {
    "PyTorch": (".pth", ".pt"),
    "Scikit_Learn": (".m", ".pkl", ".joblib"),
    "XGBoost": (".m", ".pkl", ".joblib"),
}


def model_path_for(model_type, model_dir):
    exts = FILE_PATH_TYPES.get(model_type)
    if not exts:
        return model_dir
    for root, _dirs, files in os.walk(model_dir):
        for f in sorted(files):
            if f.endswith(exts):
                return os.path.join(root, f)
    return model_dir


def load_service(model_type, model_dir, model_name):
    from model_service.model_service import BaseService

    module_name, class_name = BASES[model_type]
    base = getattr(importlib.import_module(module_name), class_name)
    cls = base
    code = os.path.join(model_dir, "customize_service.py")
    if os.path.exists(code):
        spec = importlib.util.spec_from_file_location("customize_service", code)
        module = importlib.util.module_from_spec(spec)
        sys.modules["customize_service"] = module
        spec.loader.exec_module(module)
        found = [c for _n, c in inspect.getmembers(module, inspect.isclass)
                 if issubclass(c, BaseService) and c.__module__ == module.__name__]
        if not found:
            raise RuntimeError("customize_service.py defines no subclass of a model_service base class")
        cls = found[0]
    path = model_path_for(model_type, model_dir)
    params = [p for p in inspect.signature(cls.__init__).parameters.values()
              if p.name != "self" and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(params) == 1:
        service = cls(path)
    else:
        service = cls(model_name, path)
    if getattr(service, "model_path", None) is None:
        service.model_path = path
    if getattr(service, "model_name", None) is None:
        service.model_name = model_name
    return service


def parse_multipart(content_type, body):
    """{field: {file name: file io}} for files, {field: text} for plain fields (the guide's form)."""
    msg = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not msg.is_multipart():
        raise ValueError("the multipart body cannot be parsed")
    data = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename is not None:
            data.setdefault(name, {})[filename] = io.BytesIO(payload)
        else:
            data[name] = payload.decode("utf-8", "replace")
    return data


def request_data(service, content_type, body):
    """What _preprocess gets: the form's files, or for JSON the parsed body or its text, as the
    service's base class declares (json_body_as_text). A body that is not JSON raises."""
    if content_type.startswith("multipart/form-data"):
        return parse_multipart(content_type, body)
    text = body.decode("utf-8") if body else "{}"
    parsed = json.loads(text)
    return text if getattr(service, "json_body_as_text", False) else parsed


def to_json(value):
    def default(o):
        if hasattr(o, "tolist"):
            return o.tolist()
        if hasattr(o, "item"):
            return o.item()
        if isinstance(o, (bytes, bytearray)):
            return o.decode("utf-8", "replace")
        return str(o)

    return json.dumps(value, default=default).encode("utf-8")


def make_handler(service):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def reply(self, status, payload):
            body = to_json(payload)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path.split("?")[0] == "/health":
                self.reply(200, {"status": "OK"})
            else:
                self.reply(404, {"error_msg": "not found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            ctype = self.headers.get("Content-Type") or "application/json"
            try:
                data = request_data(service, ctype, body)
            except Exception as e:  # noqa: BLE001 - any parse failure is the caller's
                self.reply(400, {"error_msg": "the request body cannot be parsed: %s" % e})
                return
            try:
                result = service.inference(data)
            except Exception as e:  # noqa: BLE001 - the user's code failed
                # The traceback goes to the instance log (the owner reads it through the API); the
                # caller gets the exception's class and message only.
                sys.stderr.write("%s prediction failed:\n" % time.strftime("%Y-%m-%dT%H:%M:%S%z"))
                traceback.print_exc()
                sys.stderr.flush()
                self.reply(500, {"error_msg": "%s: %s" % (type(e).__name__, e)})
                return
            self.reply(200, result)

    return Handler


class Server(ThreadingHTTPServer):
    # One thread per connection: a prediction stuck in the model's code never delays GET /health.
    daemon_threads = True
    # Atelier opens up to 64 connections at once; the default backlog of 5 would make some wait.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # Atelier dropped the request (a timeout, or its caller went away)
        super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--model-type", required=True)
    ap.add_argument("--model-name", default="model")
    args = ap.parse_args()
    sys.path.insert(0, args.model_dir)
    os.chdir(args.model_dir)
    service = load_service(args.model_type, args.model_dir, args.model_name)
    server = Server(("127.0.0.1", 0), make_handler(service))
    # The server stops when Atelier goes away: its end of stdin closes.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    print("ATELIER_READY %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
