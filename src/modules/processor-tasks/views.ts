import type { Static } from 'typebox';
import type { ProcessorDataSource, ProcessorResult, ProcessorTask, ProcessorVersion, TemplateParam, WorkPath } from './schemas.ts';
import type { ProcessorResultRow, ProcessorTaskRow, ProcessorVersionRow } from './tables.ts';

// Rows to the wire shapes of #68-79.

type Template = Static<typeof TemplateParam>;
type Source = Static<typeof ProcessorDataSource>;
type Work = Static<typeof WorkPath>;

const seconds = (v: ProcessorVersionRow, now: number): number =>
  v.started_at === null ? 0 : Math.max(0, Math.round(((v.finished_at ?? (v.status === 1 ? now : v.update_time)) - v.started_at) / 1000));

function workPathView(raw: string | null, outputPath: string | undefined): Work | undefined {
  if (raw === null && outputPath === undefined) return undefined;
  const w = raw === null ? {} : (JSON.parse(raw) as Work);
  return outputPath ? { ...w, output_path: outputPath } : w;
}

export function versionView(v: ProcessorVersionRow, now: number): Static<typeof ProcessorVersion> {
  const work = workPathView(v.work_path, v.output_path || undefined);
  return {
    task_version_id: v.id,
    task_id: v.task_id,
    version_name: v.version_name,
    description: v.description,
    status: v.status,
    create_time: v.create_time,
    update_time: v.update_time,
    inputs: JSON.parse(v.inputs) as Source[],
    ...(work ? { work_path: work } : {}),
    template: JSON.parse(v.template) as Template,
    duration_seconds: seconds(v, now),
    origin_sample_count: v.origin_sample_count,
    add_sample_count: v.add_sample_count,
    modified_sample_count: v.modified_sample_count,
    deleted_sample_count: v.deleted_sample_count,
    unmodified_sample_count: v.unmodified_sample_count,
    ...(v.error_msg !== null ? { error_msg: v.error_msg } : {}),
  };
}

export function taskView(
  t: ProcessorTaskRow,
  versions: readonly ProcessorVersionRow[],
  isCurrent: boolean,
  withResult: boolean,
  now: number,
): Static<typeof ProcessorTask> {
  const latest = versions[versions.length - 1];
  const lastDone = [...versions].reverse().find((v) => v.status === 2);
  const work = workPathView(t.work_path, latest?.output_path || undefined);
  return {
    task_id: t.id,
    name: t.name,
    description: t.description,
    ...(t.data_source !== null ? { data_source: JSON.parse(t.data_source) as Source } : {}),
    inputs: JSON.parse(t.inputs) as Source[],
    template: JSON.parse(t.template) as Template,
    ...(work ? { work_path: work } : {}),
    status: latest?.status ?? 0,
    duration_seconds: latest ? seconds(latest, now) : 0,
    create_time: t.create_time,
    ...(latest?.error_msg ? { error_msg: latest.error_msg } : {}),
    ...(withResult && lastDone?.result ? { result: JSON.parse(lastDone.result) as unknown } : {}),
    ...(t.dataset_version_id !== null ? { version_id: t.dataset_version_id } : {}),
    is_current: isCurrent,
    version_count: versions.length,
    workspace_id: t.workspace_id,
  };
}

export function resultView(r: ProcessorResultRow): Static<typeof ProcessorResult> {
  const served = (obs: string): string => `/${obs.slice('obs://'.length)}`;
  return {
    sample_id: r.sample_id,
    version_id: r.version_id,
    origin_source: r.origin_source,
    signed_origin_source: served(r.origin_source),
    ...(r.new_source !== null ? { new_source: r.new_source, signed_new_source: served(r.new_source) } : {}),
    result_property: r.result_property as 0 | 1 | 2 | 3,
    result_description: JSON.parse(r.result_description) as string[][],
  };
}
