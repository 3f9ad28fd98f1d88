// The Kubernetes deployment files (deploy/kubernetes), rendered by the real kustomize, on a real API server: every
// object passes a server-side dry run with strict field validation (an unknown or misspelt field fails), then is created
// for real; the Role is exactly the executor's; Atelier's ServiceAccount may do what the executor does and nothing of
// the kind elsewhere; every ATELIER_* variable the Deployment sets is a known setting.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { AuthorizationV1Api, CoreV1Api, type V1ClusterRole, type V1ConfigMap, type V1Deployment, type V1Role } from '@kubernetes/client-node';
import { settings } from '#src/config.ts';
import { CLUSTER_RULES, clusterRole, EXECUTOR_RULES, executorRole } from '#src/runtime/kubernetes/rbac-manifest.ts';
import { kubeTestServerSkip, startKubeTestServer, type KubeTestServer } from '../helpers/kube.ts';
import { kustomizeBuild, kustomizeSkip, type KubeObject } from './kustomize-build.ts';

const BASE = 'deploy/kubernetes/base';
const OVERLAY = 'deploy/kubernetes/overlays/example';

/** Where the API serves each kind the deploy files hold. */
const PATHS: Record<string, string> = {
  ServiceAccount: '/api/v1/namespaces/{ns}/serviceaccounts',
  ConfigMap: '/api/v1/namespaces/{ns}/configmaps',
  Service: '/api/v1/namespaces/{ns}/services',
  Role: '/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles',
  RoleBinding: '/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings',
  Deployment: '/apis/apps/v1/namespaces/{ns}/deployments',
  ClusterRole: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  ClusterRoleBinding: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
};
const clusterScoped = (o: KubeObject) => !PATHS[o.kind]!.includes('{ns}');

/** The rendered objects are plain JSON of the API's shapes: read them through the client's types. */
const deploymentOf = (objects: KubeObject[]) => objects.find((o) => o.kind === 'Deployment') as unknown as V1Deployment & KubeObject;

describe('deploy/kubernetes', { skip: kubeTestServerSkip() || kustomizeSkip() }, () => {
  let kube: KubeTestServer;

  /** A create as the API receives it from kubectl: the object as written, strict field validation. */
  function create(o: KubeObject, namespace: string, dryRun: boolean): Promise<{ status: number; body: string }> {
    const path = PATHS[o.kind];
    assert.ok(path, `the test knows no API path of ${o.kind}`);
    const url = `${kube.server}${path.replace('{ns}', namespace)}?fieldValidation=Strict${dryRun ? '&dryRun=All' : ''}`;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', ca: kube.caPem, headers: { authorization: `Bearer ${kube.token}`, 'content-type': 'application/json' } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(o));
    });
  }

  before(async () => {
    kube = await startKubeTestServer();
    const core = kube.kc.makeApiClient(CoreV1Api);
    for (const name of ['atelier', 'atelier-base']) await core.createNamespace({ body: { metadata: { name } } });
  });
  after(async () => {
    await kube?.stop();
  });

  it('renders the base and the example overlay, and every object passes a strict server-side dry run, then is created', async () => {
    for (const [dir, namespace] of [
      [BASE, 'atelier-base'],
      [OVERLAY, 'atelier'],
    ] as const) {
      const objects = kustomizeBuild(dir);
      assert.deepEqual(objects.map((o) => o.kind).sort(), [
        'ClusterRole',
        'ClusterRoleBinding',
        'ConfigMap',
        'Deployment',
        'Role',
        'RoleBinding',
        'Service',
        'ServiceAccount',
      ]);
      for (const o of objects) {
        const dry = await create(o, namespace, true);
        assert.equal(dry.status, 201, `${dir}: ${o.kind} ${o.metadata.name}: ${dry.body}`);
      }
      const core = kube.kc.makeApiClient(CoreV1Api);
      assert.equal(
        (await core.listNamespacedConfigMap({ namespace, labelSelector: 'app.kubernetes.io/name=atelier' })).items.length,
        0,
        'dry runs store nothing',
      );
      // The cluster-wide objects exist once: the overlay's are created, the base's only dry-run.
      for (const o of objects.filter((x) => dir === OVERLAY || !clusterScoped(x))) {
        const made = await create(o, namespace, false);
        assert.equal(made.status, 201, `${dir}: ${o.kind} ${o.metadata.name}: ${made.body}`);
      }
    }
  });

  it('catches a misspelt field (the dry run is strict)', async () => {
    const d = structuredClone(deploymentOf(kustomizeBuild(BASE)));
    Object.assign(d.spec!.template.spec!.containers[0]!, { readinesProbe: { httpGet: { path: '/health', port: 8000 } } });
    d.metadata.name = 'atelier-typo';
    const r = await create(d, 'atelier-base', true);
    assert.equal(r.status, 400);
    assert.match(r.body, /readinesProbe/);
  });

  it('runs Atelier with 2+ replicas, probed on /health, non-root, on a read-only root, with secrets by reference', () => {
    const base = deploymentOf(kustomizeBuild(BASE)).spec!;
    assert.ok(base.replicas! >= 2);
    const overlay = deploymentOf(kustomizeBuild(OVERLAY)).spec!;
    assert.equal(overlay.replicas, 3);
    const pod = overlay.template.spec!;
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    const c = pod.containers[0]!;
    assert.equal(c.image, 'registry.example.com/team/atelier:0.1.0');
    for (const probe of [c.readinessProbe, c.livenessProbe]) assert.equal(probe?.httpGet?.path, '/health');
    assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
    const env = c.env ?? [];
    const secretEnv = env.filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name);
    assert.deepEqual(secretEnv.sort(), ['ATELIER_DATABASE_URL', 'ATELIER_MASTER_KEY', 'ATELIER_S3_ACCESS_KEY', 'ATELIER_S3_SECRET_KEY']);
    assert.ok(!env.some((e) => e.value !== undefined && /KEY|URL/.test(e.name)), 'no secret written in plain');
  });

  it('sets only known settings: every ATELIER_* name of the ConfigMap and the Deployment is one of src/config.ts', () => {
    const known = new Set<string>(settings.map((s) => s.env));
    for (const dir of [BASE, OVERLAY]) {
      const objects = kustomizeBuild(dir);
      const cm = objects.find((o) => o.kind === 'ConfigMap') as unknown as V1ConfigMap;
      const env = deploymentOf(objects).spec!.template.spec!.containers[0]!.env ?? [];
      const names = [...Object.keys(cm.data ?? {}), ...env.map((e) => e.name)];
      for (const n of names) assert.ok(known.has(n), `${dir}: ${n} is not a setting of src/config.ts`);
    }
  });

  it("holds exactly the executor's Role, bound to Atelier's ServiceAccount, which may do what the executor does in its namespace only", async () => {
    const role = kustomizeBuild(OVERLAY).find((o) => o.kind === 'Role') as unknown as V1Role;
    assert.deepEqual(
      role.rules,
      executorRole('atelier').rules,
      'deploy/kubernetes/base/rbac.yaml differs from EXECUTOR_RULES (src/runtime/kubernetes/rbac-manifest.ts): copy the rules over',
    );
    const authz = kube.kc.makeApiClient(AuthorizationV1Api);
    const can = async (group: string, resource: string, verb: string, namespace: string | undefined) => {
      const review = await authz.createSubjectAccessReview({
        body: {
          spec: {
            user: 'system:serviceaccount:atelier:atelier',
            groups: ['system:serviceaccounts', 'system:serviceaccounts:atelier', 'system:authenticated'],
            resourceAttributes: { group, resource, verb, namespace },
          },
        },
      });
      return review.status?.allowed === true;
    };
    for (const rule of EXECUTOR_RULES)
      for (const verb of rule.verbs) assert.ok(await can(rule.apiGroup, rule.resource, verb, 'atelier'), `${rule.resource} ${verb}`);
    assert.equal(await can('batch', 'jobs', 'create', 'atelier-base'), false);
    assert.equal(await can('', 'secrets', 'get', 'atelier'), false);
    // And the cluster-wide rules: the nodes (read, and labelled for pools) and the pools' PriorityClasses (the
    // ClusterRoleBinding's subject was moved into the overlay's namespace).
    const cluster = kustomizeBuild(OVERLAY).find((o) => o.kind === 'ClusterRole') as unknown as V1ClusterRole;
    assert.deepEqual(
      cluster.rules,
      clusterRole().rules,
      'deploy/kubernetes/base/cluster-role.yaml differs from CLUSTER_RULES (src/runtime/kubernetes/rbac-manifest.ts): copy the rules over',
    );
    for (const rule of CLUSTER_RULES)
      for (const verb of rule.verbs) assert.ok(await can(rule.apiGroup, rule.resource, verb, undefined), `${rule.resource} ${verb}`);
    assert.equal(await can('', 'nodes', 'delete', undefined), false);
    assert.equal(await can('', 'nodes', 'update', undefined), false);
    assert.equal(await can('scheduling.k8s.io', 'priorityclasses', 'update', undefined), false);
  });
});
