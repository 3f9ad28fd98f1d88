"""Atelier's model server in a pod: the same server as on the local executor (model_server.py), listening on every
address of the pod at a fixed port so the Service and the readiness probe reach it. The local executor's parent-pipe
watch is left out: the kubelet ends the pod."""
import argparse
import os
import sys

sys.path.insert(0, os.environ.get("ATELIER_SERVING_DIR", "/opt/atelier/serving"))

import model_server  # noqa: E402  (found through the path above)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--model-type", required=True)
    ap.add_argument("--model-name", default="model")
    ap.add_argument("--port", type=int, default=8080)
    args = ap.parse_args()
    sys.path.insert(0, args.model_dir)
    os.chdir(args.model_dir)
    service = model_server.load_service(args.model_type, args.model_dir, args.model_name)
    server = model_server.Server(("0.0.0.0", args.port), model_server.make_handler(service))
    print("ATELIER_READY %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
