// What each model_service base class hands _preprocess, as the guide's example for it expects:
// the JSON text for Scikit_Learn, XGBoost and Spark_MLlib (their examples call json.loads), the
// parsed body for the others, and a multipart form as {field: {file name: file}} for all.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const SERVER_DIR = fileURLToPath(new URL('../../src/runtime/serving/python/', import.meta.url));

const PROBE = `
import json, sys
import model_server as ms

boundary = "b0undary"
form = ("--%s\\r\\nContent-Disposition: form-data; name=\\"images\\"; filename=\\"a.png\\"\\r\\n\\r\\nPNG\\r\\n"
        "--%s\\r\\nContent-Disposition: form-data; name=\\"note\\"\\r\\n\\r\\nhi\\r\\n--%s--\\r\\n") % (boundary, boundary, boundary)
out = {}
for model_type in ms.BASES:
    module, name = ms.BASES[model_type]
    base = getattr(__import__(module, fromlist=[name]), name)
    service = base("m", "/nonexistent")
    text = ms.request_data(service, "application/json", b'{"data": {"req_data": [{"b": 1, "a": 2}]}}')
    files = ms.request_data(service, "multipart/form-data; boundary=" + boundary, form.encode())
    try:
        ms.request_data(service, "application/json", b"{not json")
        bad = "accepted"
    except ValueError:
        bad = "refused"
    out[model_type] = {
        "class": name,
        "json": type(text).__name__,
        "json_value": text if isinstance(text, str) else json.dumps(text),
        "parsed_by_default": list(service._preprocess(text)["data"]["req_data"][0].keys()),
        "form": {k: (sorted(v.keys()) if isinstance(v, dict) else v) for k, v in files.items()},
        "file_bytes": files["images"]["a.png"].read().decode(),
        "bad_json": bad,
    }
print(json.dumps(out))
`;

test('each base class hands _preprocess what the guide example for it expects', () => {
  const r = spawnSync('python3', ['-c', PROBE], {
    cwd: SERVER_DIR,
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: SERVER_DIR },
  });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as Record<
    string,
    { class: string; json: string; json_value: string; parsed_by_default: string[]; form: unknown; file_bytes: string; bad_json: string }
  >;
  const text = new Set(['Scikit_Learn', 'XGBoost', 'Spark_MLlib']);
  assert.deepEqual(Object.keys(got).sort(), ['Caffe', 'MXNet', 'MindSpore', 'PyTorch', 'Scikit_Learn', 'Spark_MLlib', 'TensorFlow', 'XGBoost']);
  for (const [type, g] of Object.entries(got)) {
    assert.equal(g.json, text.has(type) ? 'str' : 'dict', `${type} (${g.class}) gets a JSON body as ${g.json}`);
    // The text is the body as sent: key order and all, for json.loads(data, object_pairs_hook=OrderedDict).
    if (text.has(type)) assert.equal(g.json_value, '{"data": {"req_data": [{"b": 1, "a": 2}]}}');
    // The default _preprocess parses it, so code that overrides only _inference still gets a dict.
    assert.deepEqual(g.parsed_by_default, ['b', 'a'], type);
    assert.deepEqual(g.form, { images: ['a.png'], note: 'hi' }, type);
    assert.equal(g.file_bytes, 'PNG');
    assert.equal(g.bad_json, 'refused', `${type}: a body that is not JSON is the caller's error`);
  }
});
