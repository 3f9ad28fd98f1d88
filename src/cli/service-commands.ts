// `atelier service ...`: list, stop, start and scale services through the API (UpdateService), as
// the owner of the credential; the server does the work and records it in the service's update log.
import { servicesClient } from '#src/client/families/services.ts';
import { ConfigError, type Config } from '#src/config.ts';
import { clientFor, reachable } from './call.ts';
import { need, type Values } from './options.ts';
import { serviceUsage } from './usage.ts';

type Services = ReturnType<typeof servicesClient>;
type ServiceDetail = Awaited<ReturnType<Services['show']>>;
type QueryServiceConfig = ServiceDetail['config'][number];
type ServiceConfig = NonNullable<Parameters<Services['update']>[1]['config']>[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function resolveService(services: Services, ref: string): Promise<ServiceDetail> {
  if (UUID.test(ref)) return services.show(ref);
  const { services: found } = await services.list({ service_name: ref });
  const exact = found.filter((s) => s.service_name === ref);
  if (exact.length !== 1)
    throw new ConfigError(exact.length === 0 ? `no service named ${ref} in this project` : `several services are named ${ref}: give the id`);
  return services.show(exact[0]!.service_id);
}

const summary = (s: Pick<ServiceDetail, 'service_id' | 'service_name' | 'status' | 'infer_type'>) => ({
  service_id: s.service_id,
  service_name: s.service_name,
  infer_type: s.infer_type,
  status: s.status,
});

/** The request config that keeps a model as it runs, with another instance count. */
function requestConfig(c: QueryServiceConfig, instanceCount: number): ServiceConfig {
  const keep: ServiceConfig = { model_id: c.model_id, specification: c.specification, instance_count: instanceCount };
  if (c.custom_spec) keep.custom_spec = c.custom_spec;
  if (c.weight !== undefined) keep.weight = c.weight;
  if (Object.keys(c.envs).length > 0) keep.envs = c.envs;
  if (c.cluster_id) keep.cluster_id = c.cluster_id;
  if (c.src_path) keep.src_path = c.src_path;
  if (c.dest_path) keep.dest_path = c.dest_path;
  if (c.req_uri) keep.req_uri = c.req_uri;
  if (c.src_type) keep.src_type = c.src_type;
  if (c.mapping_type === 'file' || c.mapping_type === 'csv') keep.mapping_type = c.mapping_type;
  if (c.mapping_rule) keep.mapping_rule = c.mapping_rule;
  return keep;
}

function instanceCount(values: Values): number {
  const raw = need(values, 'instances');
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 5) throw new ConfigError(`--instances is 0 to 5 (the API's limit per model), got "${raw}"`);
  return n;
}

/** Runs one service command; returns what to print. */
export async function serviceCommand(args: readonly string[], values: Values, config: Config): Promise<unknown> {
  const [verb] = args;
  if (args.length !== 1 || verb === undefined) throw new ConfigError(`usage:\n${serviceUsage}`);
  const known = ['list', 'show', 'stop', 'start', 'scale'];
  if (!known.includes(verb)) throw new ConfigError(`unknown command "service ${verb}"\n\n${serviceUsage}`);
  const count = verb === 'scale' ? instanceCount(values) : undefined;
  const ref = verb === 'list' ? '' : need(values, 'service');
  const { http, caller } = clientFor(values, config);
  const services = servicesClient(http);
  return reachable(caller.endpoint, async () => {
    if (verb === 'list') return (await services.list()).services.map(summary);
    const s = await resolveService(services, ref);
    const id = s.service_id;
    switch (verb) {
      case 'show':
        return s;
      case 'stop':
        await services.update(id, { status: 'stopped' });
        break;
      case 'start':
        await services.update(id, { status: 'running' });
        break;
      default: {
        if (count === 0) {
          if (s.status !== 'stopped') await services.update(id, { status: 'stopped' });
          break;
        }
        const model = values.id;
        if (model !== undefined && !s.config.some((c) => c.model_id === model)) throw new ConfigError(`service ${s.service_name} runs no model ${model}`);
        const config = s.config.map((c) => requestConfig(c, model === undefined || c.model_id === model ? count! : c.instance_count));
        // A stopped service keeps the new config and runs with it once started.
        await services.update(id, { config });
        if (s.status === 'stopped') await services.update(id, { status: 'running' });
      }
    }
    return summary(await services.show(id));
  });
}
