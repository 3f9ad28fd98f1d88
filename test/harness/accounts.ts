// The accounts the harness works as: A is the server's own account (the bootstrap domain), B a
// tenant made here. Each has its own buckets, named per slot, holding the files its resources use.
import { randomBytes } from 'node:crypto';
import { AtelierClient } from '#src/client/index.ts';
import type { TestApp } from '../helpers/app.ts';
import { examplePackage } from '../models/fixtures.ts';

/** What a bucket holds for the flows: dataset input, dataset output, training code, model packages, job output. */
export const SLOTS = ['data', 'work', 'code', 'models', 'out'] as const;
export type Slot = (typeof SLOTS)[number];

export interface Account {
  label: string;
  client: AtelierClient;
  projectId: string;
  domainId: string;
  domainName: string;
  userId: string;
  userName: string;
  password: string;
  /** The account's bucket per slot. */
  buckets: Record<Slot, string>;
}

/** A 1x1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** The boot file of the flows' training jobs: lists its input, writes its output, sleeps if told. */
export const TRAIN_PY = `import os, sys, time
args = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
print("inputs", sorted(os.listdir(args["data_url"])) if os.path.isdir(args.get("data_url", "")) else args.get("data_url"))
if os.path.isdir(args.get("train_url", "")):
    open(os.path.join(args["train_url"], "model.txt"), "w").write("trained")
time.sleep(float(args.get("sleep", "0")))
`;

const suffix = () => randomBytes(3).toString('hex');

function bucketsFor(label: string): Record<Slot, string> {
  const tag = `${label}-${suffix()}`;
  return Object.fromEntries(SLOTS.map((s) => [s, `hx-${tag}-${s}`])) as Record<Slot, string>;
}

/** Writes the files every flow reads: images, the training code, a model package. */
async function fillBuckets(t: TestApp, buckets: Record<Slot, string>): Promise<void> {
  const store = t.atelier.context.objectStore;
  for (const bucket of Object.values(buckets)) await store.ensureBucket(bucket);
  for (const [key, body] of [
    ['in/cat/1.png', PNG],
    ['in/cat/2.png', PNG],
    ['in/dog/3.png', PNG],
  ] as const) {
    await store.put(buckets.data, key, body);
  }
  await store.put(buckets.code, 'code/train.py', TRAIN_PY);
  for (const [rel, body] of Object.entries(examplePackage('onnx-linear'))) {
    await store.put(buckets.models, `pkg/${rel}`, typeof body === 'string' ? body : Buffer.from(body));
  }
}

/** Account A: the bootstrap account, which owns the buckets it drops into the object store. */
export async function serverAccount(t: TestApp): Promise<Account> {
  const user = await t.atelier.context.identity.user(t.creds.domain_name, t.creds.user_name);
  const buckets = bucketsFor('a');
  await fillBuckets(t, buckets);
  return {
    label: 'A',
    client: t.client,
    projectId: t.creds.project_id,
    domainId: user.domain_id,
    domainName: t.creds.domain_name,
    userId: user.id,
    userName: t.creds.user_name,
    password: t.creds.password,
    buckets,
  };
}

/** Another account (domain) with an admin user, a project, an AK/SK and buckets of its own. */
export async function tenantAccount(t: TestApp, label: string): Promise<Account> {
  const { identity, buckets: bucketAccess } = t.atelier.context;
  const domainName = `hx-${label.toLowerCase()}-${suffix()}`;
  const domain = await identity.createDomain(domainName);
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const user = await identity.createUser(domainName, `${domainName}-admin`, password, 'admin');
  const project = await identity.createProject(domainName, `${domainName}-project`);
  await identity.addMember(project, user);
  const { ak, sk } = await identity.createAccessKey(user);
  const buckets = bucketsFor(label.toLowerCase());
  // The account's own buckets: made for it, as `atelier bucket create` does.
  for (const bucket of Object.values(buckets)) await bucketAccess.create(domain.id, bucket);
  await fillBuckets(t, buckets);
  return {
    label,
    client: new AtelierClient(t.url, { kind: 'aksk', ak, sk, projectId: project.id }),
    projectId: project.id,
    domainId: domain.id,
    domainName,
    userId: user.id,
    userName: user.name,
    password,
    buckets,
  };
}
