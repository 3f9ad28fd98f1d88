// An Atelier extension (not a ModelArts API): the logs of a service's model server instances, so
// the owner can read what the model's code printed and the traceback of a failing prediction.
import { Type, type Static } from 'typebox';
import { Text } from '#src/core/request-bounds.ts';

/** Bytes read from the end of each instance's log, at most. */
export const INSTANCE_LOG_MAX_BYTES = 64 * 1024;

export const InstanceLogsQuery = Type.Object({
  instance_id: Type.Optional(Text(64, 'Only this instance: an ID the service events name (real-time services) or an earlier answer gave')),
  model_id: Type.Optional(Text(64, "Only the instances of this model of the service's config")),
  lines: Type.Integer({
    minimum: 1,
    maximum: 2000,
    default: 200,
    description: `Last lines of each instance's log, 1 to 2000 (default 200); never more than the last ${INSTANCE_LOG_MAX_BYTES / 1024} KiB`,
  }),
  limit: Type.Integer({ minimum: 1, maximum: 20, default: 5, description: 'Instances returned, newest first, 1 to 20 (default 5)' }),
});
export type InstanceLogsQuery = Static<typeof InstanceLogsQuery>;

export const InstanceLog = Type.Object({
  instance_id: Type.String({ description: 'The instance, as the service events name it' }),
  model_id: Type.String({ description: 'The model the instance serves' }),
  model_name: Type.String({ description: 'Name of that model' }),
  model_version: Type.String({ description: 'Version of that model' }),
  started_at: Type.Integer({ description: 'When the instance was started, epoch ms' }),
  serving: Type.Boolean({
    description:
      "True while the instance takes the real-time service's predictions; false once it ended or was replaced, and always for a batch service's instances",
  }),
  content: Type.String({ description: "The end of the log: what the model server and the model's code wrote to stdout and stderr, tracebacks included" }),
  current_size: Type.Integer({ description: 'Bytes of content' }),
  full_size: Type.Integer({ description: 'Bytes of the whole log' }),
});
export type InstanceLog = Static<typeof InstanceLog>;

export const InstanceLogsResponse = Type.Object({
  service_id: Type.String({ description: 'The service' }),
  service_name: Type.String({ description: 'Name of the service' }),
  total_count: Type.Integer({ description: 'Instances with a log that match the query' }),
  count: Type.Integer({ description: 'Instances in this answer' }),
  instances: Type.Array(InstanceLog, {
    description: 'Newest instance first; only instances of the Python model server have a log (a model with runtime onnxruntime has none)',
  }),
});
export type InstanceLogsResponse = Static<typeof InstanceLogsResponse>;
