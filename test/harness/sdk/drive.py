# Drives Atelier with the official ModelArts Python SDK (huaweicloudsdkmodelarts), through its typed
# request and response classes, the way a ModelArts user's code would. Run by test/harness/sdk.test.ts
# with the venv of scripts/python-tools (modelarts-sdk); reads its settings as JSON on stdin and
# writes one JSON line per call on stdout:
#   {"op": "create_algorithm", "ok": true, "problems": [], "notes": []}
# A problem is the SDK raising on an answer, or a field whose JSON type is not the one the SDK model
# declares (the SDK converts leniently, so it would not notice by itself). A note is what the SDK
# model does not know (an undeclared field), a null, or a number where the model says text (the SDK
# turns it into text, harmlessly; the spec's tables decide such cases).
#
# Families are lists of steps (see FAMILIES at the end). When pools or more notebook operations
# (storage, saving an image) are served, add their steps there: the "served but not driven" line names every SDK operation that the app's
# /openapi.json serves and no step calls.
import inspect
import json
import re
import sys
import time
import urllib.request

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkmodelarts.v1 import ModelArtsClient
import huaweicloudsdkmodelarts.v1.model as models

SETTINGS = json.load(sys.stdin)


def emit(record):
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


# --- typed requests from plain data -------------------------------------------------------------

def build(type_name, data):
    """An SDK value of `type_name` (a model class, list[...], dict(...) or primitive) from JSON-shaped data."""
    if data is None:
        return None
    m = re.match(r"list\[(.*)\]$", type_name)
    if m:
        return [build(m.group(1), x) for x in data]
    m = re.match(r"dict\(([^,]*), (.*)\)$", type_name)
    if m:
        return {k: build(m.group(2), v) for k, v in data.items()}
    if type_name in ("str", "int", "float", "bool", "object"):
        return data
    cls = getattr(models, type_name)
    by_json_key = {json_key: attr for attr, json_key in cls.attribute_map.items()}
    kwargs = {}
    for key, value in data.items():
        attr = by_json_key.get(key)
        if attr is None:
            raise KeyError(f"{type_name} has no field {key}")
        kwargs[attr] = build(cls.openapi_types[attr], value)
    return cls(**kwargs)


def request(op, **fields):
    """The typed request of an operation: XxxRequest with its path, query and body fields built."""
    cls = getattr(models, "".join(p.capitalize() for p in op.split("_")) + "Request")
    return cls(**{k: build(cls.openapi_types[k], v) for k, v in fields.items()})


# --- answers checked against the SDK models -------------------------------------------------------

PRIMITIVES = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "date": (str,), "datetime": (str,)}


def check(value, type_name, path, problems, notes):
    if value is None:
        notes.append(f"{path}: null")
        return
    if type_name == "object":
        return
    if type_name in PRIMITIVES:
        wrong_bool = isinstance(value, bool) and type_name != "bool"
        if not wrong_bool and isinstance(value, PRIMITIVES[type_name]):
            return
        found = f"{path}: {type(value).__name__} {json.dumps(value)[:80]}, the SDK model says {type_name}"
        # str(v) turns a number into text without fault; every other mismatch either raises (int("x"))
        # or gives a wrong value (bool("false") is True), so only this one is a note.
        if type_name == "str" and isinstance(value, (int, float)) and not isinstance(value, bool):
            notes.append(found + " (the SDK makes it text)")
        else:
            problems.append(found)
        return
    m = re.match(r"list\[(.*)\]$", type_name)
    if m:
        if not isinstance(value, list):
            problems.append(f"{path}: {type(value).__name__}, the SDK model says a list")
            return
        for i, item in enumerate(value):
            check(item, m.group(1), f"{path}[{i}]", problems, notes)
        return
    m = re.match(r"dict\(([^,]*), (.*)\)$", type_name)
    if m:
        if not isinstance(value, dict):
            problems.append(f"{path}: {type(value).__name__}, the SDK model says a map")
            return
        for k, v in value.items():
            check(v, m.group(2), f"{path}.{k}", problems, notes)
        return
    cls = getattr(models, type_name)
    if not isinstance(value, dict):
        problems.append(f"{path}: {type(value).__name__} {json.dumps(value)[:80]}, the SDK model {type_name} is an object")
        return
    known = set()
    for attr, attr_type in cls.openapi_types.items():
        key = cls.attribute_map[attr]
        known.add(key)
        if key in value:
            check(value[key], attr_type, f"{path}.{key}", problems, notes)
    unknown = sorted(set(value) - known)
    if unknown:
        notes.append(f"{path}: fields the SDK model {type_name} does not have: {', '.join(unknown)}")


def check_response(response):
    problems, notes = [], []
    raw = response.raw_content
    if not raw and response.status_code == 204:
        return problems, notes  # a 204 carries no body by definition (the spec's BatchCreatePoolTags answers one)
    if not raw:
        problems.append(f"empty body with status {response.status_code}")
        return problems, notes
    body = json.loads(raw)
    if not isinstance(body, dict):
        problems.append(f"body is {json.dumps(body)[:80]}, not a JSON object (the Node.js SDK crashes on null)")
        return problems, notes
    cls = type(response)
    types = {a: t for a, t in cls.openapi_types.items() if cls.attribute_map[a].lower() != "x-request-id"}
    if types == {"body": "object"} or not types:
        return problems, notes
    for attr, attr_type in types.items():
        key = cls.attribute_map[attr]
        if key in body:
            check(body[key], attr_type, key, problems, notes)
    unknown = sorted(set(body) - {cls.attribute_map[a] for a in types})
    if unknown:
        notes.append(f"fields the SDK model {cls.__name__} does not have: {', '.join(unknown)}")
    return problems, notes


# --- the client and the steps ---------------------------------------------------------------------

client = (
    ModelArtsClient.new_builder()
    .with_credentials(BasicCredentials(SETTINGS["ak"], SETTINGS["sk"], SETTINGS["project_id"]))
    .with_endpoints([SETTINGS["endpoint"]])
    .build()
)
driven = set()


def call(op, **fields):
    """Calls the operation; records what came back. Returns the typed response, or None when it raised."""
    driven.add(op)
    try:
        response = getattr(client, op)(request(op, **fields))
    except exceptions.ServiceResponseException as e:
        emit({"op": op, "ok": False, "problems": [f"the SDK raised {type(e).__name__}: {e.status_code} {e.error_code} {e.error_msg}"], "notes": []})
        return None
    except Exception as e:  # the SDK failing to read an answer is what this test looks for
        emit({"op": op, "ok": False, "problems": [f"the SDK raised {type(e).__name__}: {e}"], "notes": []})
        return None
    problems, notes = check_response(response)
    emit({"op": op, "ok": not problems, "problems": problems, "notes": notes})
    return response


def wait_for_job(job_id, done, seconds=60):
    until = time.time() + seconds
    while True:
        job = client.show_training_job_details(request("show_training_job_details", training_job_id=job_id))
        if done(job.status.phase) or time.time() > until:
            return job
        time.sleep(0.2)


ENDED = ("Completed", "Failed", "Terminated", "Abnormal")


def resource_config_steps(s, ctx):
    call("show_os_config")
    call("show_os_quota")


def network_steps(s, ctx):
    labels = {"os.modelarts/name": "sdk-net", "os.modelarts/workspace.id": "0"}
    created = call("create_network", body={"apiVersion": "v1", "kind": "Network", "metadata": {"labels": labels}, "spec": {"cidr": "192.168.200.0/24"}})
    call("list_networks")
    call("list_networks", label_selector="os.modelarts/name=sdk-net", limit=5)
    if created:
        name = created.metadata.name
        call("show_network", network_name=name)
        call("patch_network", network_name=name, body={"metadata": {"annotations": {"os.modelarts/description": "changed by the SDK test"}}})
        call("delete_network", network_name=name)


def resource_flavor_steps(s, ctx):
    call("list_resource_flavors")
    first = call("list_resource_flavors", label_selector="os.modelarts/scope=Train", limit=1)
    if first and first.metadata and first.metadata._continue:
        call("list_resource_flavors", limit=1, _continue=first.metadata._continue)
    call("show_plugin_template", plugintemplate_name="gpu-driver")
    call("show_plugin_template", plugintemplate_name="npu-driver")


def authorization_steps(s, ctx):
    call("create_model_arts_agency", body={})
    call("create_model_arts_agency", body={"agency_name_suffix": "sdk"})
    call("create_authorization", body={"user_id": s["user_id"], "type": "agency", "content": "modelarts_agency"})
    call("get_authorizations")
    call("get_authorizations", sort_by="user_name", order="asc", limit=10, offset=0)


def job_body(s, name, sleep):
    return {
        "kind": "job",
        "metadata": {"name": name, "description": "made by the SDK test"},
        "algorithm": {
            "code_dir": s["code_dir"],
            "boot_file": s["boot_file"],
            "engine": {"engine_id": s["engine_id"]},
            "parameters": [{"name": "sleep", "value": str(sleep)}],
            "inputs": [{"name": "data_url", "remote": {"obs": {"obs_url": s["data_url"]}}}],
            "outputs": [{"name": "train_url", "remote": {"obs": {"obs_url": s["train_url"] + name + "/"}}}],
        },
        "spec": {"resource": {"flavor_id": s["flavor_id"], "node_count": 1}},
    }


def training_steps(s, ctx):
    call("show_training_job_flavors")
    call("show_training_job_flavors", flavor_type="CPU")
    call("show_training_job_engines")
    algorithm = {
        "metadata": {"name": "sdk-algorithm", "description": "made by the SDK test"},
        "job_config": {
            "code_dir": s["code_dir"],
            "boot_file": s["boot_file"],
            "parameters": [{"name": "sleep", "value": "0", "constraint": {"type": "String", "editable": True, "required": False, "sensitive": False, "valid_type": "None", "valid_range": []}}],
            "parameters_customization": True,
            "inputs": [{"name": "data_url", "description": "images"}],
            "outputs": [{"name": "train_url", "description": "model output"}],
            "engine": {"engine_id": s["engine_id"]},
        },
    }
    created = call("create_algorithm", body=algorithm)
    algorithm_id = created.metadata.id if created else None
    call("list_algorithms")
    call("list_algorithms", offset=0, limit=5, sort_by="create_time", order="desc")
    if algorithm_id:
        call("show_algorithm_by_uuid", algorithm_id=algorithm_id)
        algorithm["metadata"]["description"] = "changed by the SDK test"
        call("change_algorithm", algorithm_id=algorithm_id, body=algorithm)

    job = call("create_training_job", body=job_body(s, "sdk-job", 0))
    if job:
        job_id = job.metadata.id
        wait_for_job(job_id, lambda p: p in ENDED)
        call("show_training_job_details", training_job_id=job_id)
        call("show_training_job_logs_preview", training_job_id=job_id, task_id="worker-0")
        call("show_training_job_metrics", training_job_id=job_id, task_id="worker-0")
        call("change_training_job_description", training_job_id=job_id, body={"description": "changed by the SDK test"})
    call("list_training_jobs", body={"offset": 0, "limit": 10, "sort_by": "create_time", "order": "desc"})
    long_job = call("create_training_job", body=job_body(s, "sdk-long-job", 600))
    if long_job:
        wait_for_job(long_job.metadata.id, lambda p: p not in ("Creating", "Pending"))
        call("stop_training_job", training_job_id=long_job.metadata.id, body={"action_type": "terminate"})
        wait_for_job(long_job.metadata.id, lambda p: p in ENDED)
        call("delete_training_job", training_job_id=long_job.metadata.id)
    if job:
        call("delete_training_job", training_job_id=job.metadata.id)
    if algorithm_id:
        call("delete_algorithm", algorithm_id=algorithm_id)
    call("delete_authorizations", user_id=s["user_id"])


def wait_for_notebook(notebook_id, done, seconds=120):
    until = time.time() + seconds
    while True:
        nb = client.show_notebook(request("show_notebook", id=notebook_id))
        if done(nb.status) or time.time() > until:
            return nb
        time.sleep(0.2)


def image_steps(s, ctx):
    built_in = call("list_image", type="BUILD_IN")
    ctx["built_in"] = built_in.data[0] if built_in and built_in.data else None
    call("list_image", limit=5, offset=0, sort_key="name", sort_dir="ASC", name_fuzzy_match=True)
    image = call("register_image", body={"swr_path": s["venv"], "description": "made by the SDK test", "resource_category": ["CPU"], "services": ["NOTEBOOK"]})
    call("list_image_group")
    call("list_image_group", type="DEDICATED", limit=5, offset=0)
    if ctx["built_in"]:
        call("show_image", id=ctx["built_in"].id)
    if image:
        call("show_image", id=image.id)
        call("delete_image", id=image.id)


def wait_for_image(image_id, done, seconds=60):
    until = time.time() + seconds
    while True:
        image = client.show_image(request("show_image", id=image_id))
        if done(image.status) or time.time() > until:
            return image
        time.sleep(0.2)


def notebook_steps(s, ctx):
    call("list_flavors")
    call("list_flavors", category="CPU", limit=10, offset=0)
    call("list_notebooks")
    if not ctx.get("built_in"):
        return
    body = {
        "name": "sdk-notebook",
        "description": "made by the SDK test",
        "flavor": s["notebook_flavor"],
        "image_id": ctx["built_in"].id,
        "volume": {"category": "EVS", "ownership": "MANAGED", "capacity": 5},
        "lease": {"type": "TIMING", "duration": 3600000},
    }
    nb = call("create_notebook", body=body)
    if not nb:
        return
    wait_for_notebook(nb.id, lambda st: st not in ("INIT", "CREATING", "STARTING"))
    saved = call("create_image", id=nb.id, body={"name": "sdk-saved", "tag": "v1", "description": "saved by the SDK test", "workspace_id": "0"})
    if saved:
        wait_for_image(saved.id, lambda st: st != "CREATING")
        call("show_image", id=saved.id)
        call("delete_image", id=saved.id)
    call("show_notebook", id=nb.id)
    call("list_notebooks", status="RUNNING", limit=5, offset=0, sort_dir="ASC", sort_key="name")
    call("show_switchable_flavors", id=nb.id)
    call("show_lease", id=nb.id)
    call("renew_lease", id=nb.id, body={"type": "TIMING", "duration": 7200000})
    mount = call("attach_dynamic_storage", instance_id=nb.id, body={"category": "OBS", "uri": s["data_url"], "mount_path": "/home/ma-user/work/sdk-mount/"})
    call("list_dynamic_storages", instance_id=nb.id)
    if mount:
        deadline = time.time() + 30
        while time.time() < deadline and client.show_dynamic_storage(request("show_dynamic_storage", instance_id=nb.id, storage_id=mount.id)).status == "MOUNTING":
            time.sleep(0.2)
        call("show_dynamic_storage", instance_id=nb.id, storage_id=mount.id)
        call("detach_dynamic_storage", instance_id=nb.id, storage_id=mount.id)
    call("update_notebook", id=nb.id, body={"description": "changed by the SDK test"})
    call("stop_notebook", id=nb.id)
    wait_for_notebook(nb.id, lambda st: st not in ("STOPPING",))
    call("start_notebook", id=nb.id, type="TIMING", duration=3600000)
    call("delete_notebook", id=nb.id)


def pool_steps(s, ctx):
    """A one-slice pool on its own network (ctx["pool_name"], for the pool families after it), grown to two slices and back."""
    net = call("create_network", body={"apiVersion": "v1", "kind": "Network", "metadata": {"labels": {"os.modelarts/name": "sdk-pool-net"}}, "spec": {"cidr": "192.168.201.0/24"}})
    if not net:
        return
    ctx["pool_network"] = net.metadata.name
    spec = {"type": "Dedicate", "scope": ["Train", "Infer", "Notebook"], "network": {"name": net.metadata.name}, "resources": [{"flavor": "modelarts.vm.cpu.1u", "count": "1"}]}
    pool = call("create_pool", body={"apiVersion": "v2", "kind": "Pool", "metadata": {"labels": {"os.modelarts/name": "sdk-pool"}}, "spec": spec})
    call("list_pools")
    call("list_pools", workspace_id="0", label_selector="os.modelarts/name=sdk-pool", status="created")
    call("show_pool_statistics")
    call("show_pool_statistics", workspace_id="0")
    if not pool:
        return
    name = pool.metadata.name
    ctx["pool_name"] = name
    call("show_pool", pool_name=name)
    call("patch_pool", pool_name=name, body={"metadata": {"annotations": {"os.modelarts/description": "changed by the SDK test"}}})
    call("patch_pool", pool_name=name, body={"spec": {"resources": [{"flavor": "modelarts.vm.cpu.1u", "count": 2}]}})
    nodes = call("list_pool_nodes", pool_name=name)
    call("list_pool_nodes", pool_name=name, limit=1)
    if nodes and len(nodes.items) > 1:
        call("batch_delete_pool_nodes", pool_name=name, body={"deleteNodeNames": [nodes.items[-1].metadata.name]})
    call("list_events", resource="pools", name=name)
    call("list_events", resource="pools", name=name, limit=5, type="Normal")


def pool_cleanup_steps(s, ctx):
    if ctx.get("pool_name"):
        call("delete_pool", pool_name=ctx["pool_name"])
    if ctx.get("pool_network"):
        call("delete_network", network_name=ctx["pool_network"])


def pool_metrics_steps(s, ctx):
    call("show_pool_runtime_metrics")
    # A pool comes from the pools steps (create_pool), once they run before these.
    if ctx.get("pool_name"):
        call("show_pool_monitor", pool_name=ctx["pool_name"])
        call("show_pool_monitor", pool_name=ctx["pool_name"], time_range="-1.-1.120", statistics="average", period="300")


def pool_tag_steps(s, ctx):
    call("list_pool_tags")
    call("list_pool_tags", limit=10, offset=0)
    # The pool comes from the pools steps (create_pool), once they run before these.
    if ctx.get("pool_name"):
        pool = ctx["pool_name"]
        call("batch_create_pool_tags", pool_name=pool, body={"tags": [{"key": "sdk", "value": "pool-tag"}, {"key": "model_version", "value": "0.1"}]})
        call("show_pool_tags", pool_name=pool)
        call("batch_delete_pool_tags", pool_name=pool, body={"tags": [{"key": "sdk"}, {"key": "model_version", "value": "0.1"}]})


def pool_workload_steps(s, ctx):
    if ctx.get("pool_name"):
        pool = ctx["pool_name"]
        call("list_workloads", pool_name=pool)
        call("list_workloads", pool_name=pool, type="train", status="Running", sort="create_time", ascend=True, offset="0", limit=10)
        call("show_workload_statistics", pool_name=pool)


# The families served today, in order. Pools: add a function per family here.
FAMILIES = [resource_config_steps, resource_flavor_steps, network_steps, pool_steps, pool_metrics_steps, pool_tag_steps, pool_workload_steps, pool_cleanup_steps, authorization_steps, training_steps, image_steps, notebook_steps]


def sdk_operations():
    """(method, resource path, operation) of every operation the SDK's ModelArtsClient has."""
    out = []
    for name, fn in inspect.getmembers(ModelArtsClient):
        m = re.match(r"_(\w+)_http_info$", name)
        if not m:
            continue
        src = inspect.getsource(fn)
        method = re.search(r'"method": "(\w+)"', src).group(1)
        path = re.search(r'"resource_path": "([^"]+)"', src).group(1)
        out.append((method, path, m.group(1)))
    return out


def main():
    ctx = {}
    for family in FAMILIES:
        family(SETTINGS, ctx)
    with urllib.request.urlopen(SETTINGS["endpoint"] + "/openapi.json") as r:
        served = {(method.upper(), path) for path, ops in json.load(r)["paths"].items() for method in ops}
    missing = sorted(op for method, path, op in sdk_operations() if (method, path) in served and op not in driven)
    emit({"served_not_driven": missing, "driven": sorted(driven)})


main()
