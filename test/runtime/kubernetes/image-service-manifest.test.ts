// Pure checks of what an Image model becomes on the cluster: the image and health check read from its config.json
// (a config the cluster could not run is refused with the reason), the probes built from them, and where such a model
// may run at all (never on the Atelier host).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeployableModel, PackageConfig } from '#src/modules/models/index.ts';
import { imageServerOf } from '#src/modules/services/image-models.ts';
import { unservable } from '#src/modules/services/instances.ts';
import { imageVersionObjects, type ImageVersionWorkload } from '#src/runtime/kubernetes/image-service-manifest.ts';
import { serviceVersionObjects } from '#src/runtime/kubernetes/service-manifest.ts';

const imageModel = (config: Partial<PackageConfig>): DeployableModel => ({
  id: 'a1000000-0000-4000-8000-00000000000a',
  name: 'greeter',
  version: '1.0.0',
  modelType: 'Image',
  runtime: '',
  status: 'published',
  dir: '/nowhere',
  sourceLocation: '/bucket/greeter/',
  config: { model_algorithm: 'greeting', model_type: 'Image', swr_location: 'swr.example.com/team/greeter:1', apis: [], dependencies: [], ...config },
});

const workload: ImageVersionWorkload = {
  serviceId: 'c1000000-0000-4000-8000-000000000001',
  projectId: '0123456789abcdef0123456789abcdef',
  namespace: 'atelier',
  modelId: 'a1000000-0000-4000-8000-00000000000a',
  instanceCount: 2,
  image: 'swr.example.com/team/greeter:1',
  env: { A: '1' },
  perInstance: { cpu: 0.5, memoryMb: 512 },
};

describe('Image models on the cluster', () => {
  it("reads the image and the health check from config.json, numbers from the guide's strings", () => {
    assert.deepEqual(imageServerOf(imageModel({})), { image: 'swr.example.com/team/greeter:1' });
    assert.deepEqual(imageServerOf(imageModel({ health: { url: '/ping', protocol: 'HTTPS', initial_delay_seconds: '20', timeout_seconds: '4' } })), {
      image: 'swr.example.com/team/greeter:1',
      health: { path: '/ping', scheme: 'HTTPS', initialDelaySeconds: 20, timeoutSeconds: 4 },
    });
  });

  it('refuses a config the cluster could not run, saying which field is wrong', () => {
    const cases: [Partial<PackageConfig>, RegExp][] = [
      [{ swr_location: ' ' }, /swr_location/],
      [{ swr_location: 'swr.example.com/a b:1' }, /not an image address/],
      [{ health: { url: 'ping' } }, /health\.url/],
      [{ health: { url: '/ping', protocol: 'tcp' } }, /health\.protocol/],
      [{ health: { url: '/ping', initial_delay_seconds: '-1' } }, /initial_delay_seconds/],
      [{ health: { url: '/ping', timeout_seconds: '0' } }, /timeout_seconds/],
      [{ health: { url: '/ping', timeout_seconds: '2.5' } }, /timeout_seconds/],
    ];
    for (const [config, reason] of cases) {
      const out = imageServerOf(imageModel(config));
      assert.equal(typeof out, 'string', JSON.stringify(config));
      assert.match(out as string, reason);
      assert.match(unservable(imageModel(config), 'cluster') ?? '', reason);
    }
  });

  it('never runs on the Atelier host; other models are not concerned', () => {
    assert.match(unservable(imageModel({}), 'host') ?? '', /container runtime/);
    assert.equal(unservable(imageModel({}), 'cluster'), undefined);
    assert.equal(unservable({ ...imageModel({}), modelType: 'PyTorch', runtime: 'python3.6' }, 'host'), undefined);
    // An ONNX model declared as Image is served natively.
    assert.equal(unservable({ ...imageModel({}), runtime: 'onnxruntime' }, 'host'), undefined);
  });

  it('probes the declared health path with its scheme, else the port; only Image pods get a writable root filesystem', () => {
    const checked = imageVersionObjects({ ...workload, health: { path: '/ping', scheme: 'HTTPS', initialDelaySeconds: 20, timeoutSeconds: 4 } });
    const c = checked.deployment.spec!.template.spec!.containers[0]!;
    assert.deepEqual(c.readinessProbe, {
      httpGet: { path: '/ping', port: 8080, scheme: 'HTTPS' },
      initialDelaySeconds: 20,
      periodSeconds: 5,
      failureThreshold: 3,
      timeoutSeconds: 4,
    });
    assert.equal(c.livenessProbe?.timeoutSeconds, 5);
    assert.equal(checked.deployment.spec?.replicas, 2);
    const bare = imageVersionObjects(workload).deployment.spec!.template.spec!.containers[0]!;
    assert.deepEqual(bare.livenessProbe?.tcpSocket, { port: 8080 });
    assert.equal(bare.securityContext?.readOnlyRootFilesystem, false);
    const runtime = serviceVersionObjects({ ...workload, image: 'runtime:1', modelType: 'PyTorch', modelName: 'm', stagingSecret: 's' });
    assert.equal(runtime.deployment.spec!.template.spec!.containers[0]!.securityContext?.readOnlyRootFilesystem, true);
    assert.equal(runtime.deployment.spec!.template.spec!.initContainers?.length, 1);
  });
});
