import type { Static } from 'typebox';
import { shortId } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import { KeyedSerial } from '#src/core/serial.ts';
import type { TaskDefinition, TaskQueue } from '#src/runtime/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import { formatObsPath, joinKey, parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import { processorErrors } from './errors.ts';
import type { ProcessorDatasets } from './inputs.ts';
import { parseOperators } from './operators/params.ts';
import type { RunningVersions } from './run-version.ts';
import type {
  CreateProcessorTaskRequest,
  CreateProcessorTaskVersionRequest,
  ListProcessorTasksQuery,
  ListResultsQuery,
  ListVersionsQuery,
  ProcessorDataSource,
  ProcessorResultList,
  ProcessorTask,
  ProcessorTaskItems,
  ProcessorTaskList,
  ProcessorVersion,
  ProcessorVersionList,
  TemplateId,
  TemplateParam,
  UpdateProcessorTaskRequest,
  WorkPath,
} from './schemas.ts';
import type { ProcessorStore } from './store.ts';
import type { ProcessorTaskRow, ProcessorVersionRow } from './tables.ts';
import { resultView, taskView, versionView } from './views.ts';

type Source = Static<typeof ProcessorDataSource>;
type Template = Static<typeof TemplateParam>;
type Work = Static<typeof WorkPath>;

export interface ProcessorServiceDeps {
  store: ProcessorStore;
  clock: Clock;
  buckets: BucketAccess;
  datasets: ProcessorDatasets;
  queue: TaskQueue;
  runTask: TaskDefinition;
  running: RunningVersions;
}

const ITEMS = [
  { template_id: 'sys_data_cleaning', label_zh: '数据清洗', label_en: 'data cleaning' },
  { template_id: 'sys_data_validation', label_zh: '数据校验', label_en: 'data validation' },
  { template_id: 'sys_data_selection', label_zh: '数据选择', label_en: 'data selection' },
  { template_id: 'sys_data_augmentation', label_zh: '数据增强', label_en: 'data augmentation' },
] as const;

const UNFINISHED = [0, 1] as const;

/** Data processing tasks and their versions (#68-79); each version is a run on the task queue. */
export class ProcessorService {
  private readonly creating = new KeyedSerial();

  constructor(private readonly deps: ProcessorServiceDeps) {}

  items(query: { offset?: number; limit?: number }): Static<typeof ProcessorTaskItems> {
    const offset = query.offset ?? 0;
    return { total: ITEMS.length, items: ITEMS.slice(offset, offset + (query.limit ?? 1000)).map((i) => ({ ...i })) };
  }

  async create(projectId: string, body: Static<typeof CreateProcessorTaskRequest>): Promise<{ task_id: string }> {
    const templateId = body.template.id;
    if (templateId === undefined) throw processorErrors.badParam('template.id: required');
    parseOperators(templateId, body.template.operator_params ?? [], 'template.operator_params');
    const inputs = await this.checkInputs(projectId, body.inputs, body.data_source);
    const output = await this.outputBase(projectId, body.work_path, inputs, templateId);
    return this.creating.run(projectId, async () => {
      if (await this.deps.store.taskByName(projectId, body.name)) throw processorErrors.duplicateName(body.name);
      const now = this.deps.clock.now();
      const row: ProcessorTaskRow = {
        id: shortId(),
        project_id: projectId,
        name: body.name,
        description: body.description ?? '',
        template_id: templateId,
        template: JSON.stringify(body.template),
        data_source: body.data_source ? JSON.stringify(body.data_source) : null,
        inputs: JSON.stringify(inputs),
        work_path: body.work_path ? JSON.stringify(body.work_path) : null,
        dataset_version_id: body.version_id ?? null,
        workspace_id: body.workspace_id ?? '0',
        create_time: now,
      };
      await this.deps.store.insertTask(row);
      if (body.create_version === true || templateId === 'sys_data_analyse') {
        await this.startVersion(row, { description: row.description, template: body.template, inputs, work: body.work_path, output });
      }
      return { task_id: row.id };
    });
  }

  async list(projectId: string, q: Static<typeof ListProcessorTasksQuery>): Promise<Static<typeof ProcessorTaskList>> {
    const now = this.deps.clock.now();
    const rows = await this.deps.store.tasksOfProject(projectId);
    // the newest task of each template and dataset version is the current one
    const newest = new Map<string, string>();
    for (const t of rows) newest.set(`${t.template_id} ${t.dataset_version_id ?? ''}`, t.id);
    let tasks = await Promise.all(
      rows.map(async (t) =>
        taskView(
          t,
          await this.deps.store.versions(t.id),
          newest.get(`${t.template_id} ${t.dataset_version_id ?? ''}`) === t.id,
          q.return_result !== false,
          now,
        ),
      ),
    );
    if (q.query_current === true) tasks = tasks.filter((t) => t.is_current);
    if (q.status !== undefined) tasks = tasks.filter((t) => t.status === q.status);
    if (q.task_type !== undefined) tasks = tasks.filter((t) => t.template.id === q.task_type);
    if (q.task_name !== undefined) tasks = tasks.filter((t) => t.name.includes(q.task_name ?? ''));
    if (q.workspace_id !== undefined) tasks = tasks.filter((t) => t.workspace_id === q.workspace_id);
    if (q.version_id !== undefined) tasks = tasks.filter((t) => t.version_id !== undefined && (q.version_id ?? []).includes(t.version_id));
    if (q.source_type !== undefined || q.source !== undefined) {
      tasks = tasks.filter((t) =>
        t.inputs.some((i) => (q.source_type === undefined || i.type === q.source_type) && (q.source === undefined || i.source === q.source)),
      );
    }
    const key = q.sort_by ?? 'create_time';
    const dir = q.order === 'asc' ? 1 : -1;
    tasks.sort((a, b) => dir * (key === 'name' ? a.name.localeCompare(b.name) : a[key] - b[key]));
    const offset = q.offset ?? 0;
    return { count: tasks.length, tasks: tasks.slice(offset, offset + (q.limit ?? 10)) };
  }

  async describe(projectId: string, taskId: string): Promise<Static<typeof ProcessorTask>> {
    const t = await this.requireTask(projectId, taskId);
    const others = await this.deps.store.tasksOfProject(projectId);
    const newer = others.some((o) => o.template_id === t.template_id && o.dataset_version_id === t.dataset_version_id && o.create_time > t.create_time);
    return taskView(t, await this.deps.store.versions(t.id), !newer, true, this.deps.clock.now());
  }

  async update(projectId: string, taskId: string, body: Static<typeof UpdateProcessorTaskRequest>): Promise<Record<string, never>> {
    await this.requireTask(projectId, taskId);
    if (body.description !== undefined) await this.deps.store.updateTask(taskId, { description: body.description });
    return {};
  }

  async delete(projectId: string, taskId: string): Promise<Record<string, never>> {
    await this.requireTask(projectId, taskId);
    const versions = await this.deps.store.versions(taskId);
    const busy = versions.find((v) => (UNFINISHED as readonly number[]).includes(v.status));
    if (busy) throw processorErrors.running(`version ${busy.id} of task ${taskId} is still running; stop it first`);
    await this.deps.store.deleteTask(taskId);
    return {};
  }

  async createVersion(projectId: string, taskId: string, body: Static<typeof CreateProcessorTaskVersionRequest>): Promise<{ version_id: string }> {
    const task = await this.requireTask(projectId, taskId);
    const stored = JSON.parse(task.template) as Template;
    const template = body.template ?? stored;
    if (template.id !== undefined && template.id !== task.template_id) throw processorErrors.badParam(`template.id: the task is a ${task.template_id} task`);
    const fixed: Template = { ...template, id: task.template_id as TemplateId };
    parseOperators(task.template_id as TemplateId, fixed.operator_params ?? [], 'template.operator_params');
    const inputs = body.inputs || body.data_source ? await this.checkInputs(projectId, body.inputs, body.data_source) : (JSON.parse(task.inputs) as Source[]);
    const work = body.work_path ?? (task.work_path ? (JSON.parse(task.work_path) as Work) : undefined);
    const output = await this.outputBase(projectId, work, inputs, task.template_id as TemplateId);
    const id = await this.creating.run(projectId, () =>
      this.startVersion(task, { description: body.description ?? '', template: fixed, inputs, work, output }),
    );
    return { version_id: id };
  }

  async listVersions(projectId: string, taskId: string, q: Static<typeof ListVersionsQuery>): Promise<Static<typeof ProcessorVersionList>> {
    await this.requireTask(projectId, taskId);
    const now = this.deps.clock.now();
    const rows = await this.deps.store.versions(taskId);
    const dir = q.order === 'asc' ? 1 : -1;
    rows.sort(
      (a, b) =>
        dir *
        (q.sort_by === 'version_name'
          ? a.version_name.localeCompare(b.version_name)
          : a.create_time - b.create_time || a.version_name.localeCompare(b.version_name)),
    );
    const offset = q.offset ?? 0;
    return { count: rows.length, versions: rows.slice(offset, offset + (q.limit ?? 100)).map((v) => versionView(v, now)) };
  }

  async describeVersion(projectId: string, taskId: string, versionId: string): Promise<Static<typeof ProcessorVersion>> {
    return versionView(await this.requireVersion(projectId, taskId, versionId), this.deps.clock.now());
  }

  async deleteVersion(projectId: string, taskId: string, versionId: string): Promise<Record<string, never>> {
    const v = await this.requireVersion(projectId, taskId, versionId);
    if ((UNFINISHED as readonly number[]).includes(v.status)) throw processorErrors.running(`version ${versionId} is still running; stop it first`);
    await this.deps.store.deleteVersion(versionId);
    return {};
  }

  async stopVersion(projectId: string, taskId: string, versionId: string): Promise<Record<string, never>> {
    const v = await this.requireVersion(projectId, taskId, versionId);
    const now = this.deps.clock.now();
    if (await this.deps.store.transition(versionId, UNFINISHED, 4, { update_time: now, finished_at: now })) {
      if (v.queue_task_id) await this.deps.queue.cancel(v.queue_task_id);
      this.deps.running.abort(versionId);
    }
    return {};
  }

  async results(projectId: string, taskId: string, versionId: string, q: Static<typeof ListResultsQuery>): Promise<Static<typeof ProcessorResultList>> {
    await this.requireVersion(projectId, taskId, versionId);
    const property = q.result_property === undefined || q.result_property === '-1' ? undefined : Number(q.result_property);
    const offset = q.offset ?? 0;
    const { rows, count } = await this.deps.store.results(versionId, property, offset, q.limit ?? 10);
    return { count, has_more: offset + rows.length < count, results: rows.map(resultView) };
  }

  private async requireTask(projectId: string, taskId: string): Promise<ProcessorTaskRow> {
    const t = await this.deps.store.task(projectId, taskId);
    if (!t) throw processorErrors.taskNotFound(taskId);
    return t;
  }

  private async requireVersion(projectId: string, taskId: string, versionId: string): Promise<ProcessorVersionRow> {
    await this.requireTask(projectId, taskId);
    const v = await this.deps.store.version(taskId, versionId);
    if (!v) throw processorErrors.versionNotFound(versionId);
    return v;
  }

  /** The inputs as given (data_source alone becomes the one input), each checked: buckets, datasets, tasks of the caller. */
  private async checkInputs(projectId: string, inputs: readonly Source[] | undefined, dataSource: Source | undefined): Promise<Source[]> {
    if (inputs && dataSource) throw processorErrors.badParam('inputs: give inputs or data_source, not both');
    const list = inputs ? [...inputs] : dataSource ? [dataSource] : [];
    if (list.length === 0) throw processorErrors.badParam('inputs: required (or data_source)');
    const field = inputs ? 'inputs' : 'data_source';
    for (const [i, input] of list.entries()) {
      const at = inputs ? `${field}[${i}]` : field;
      if (input.type === undefined) throw processorErrors.badParam(`${at}.type: required`);
      if (input.source === undefined) throw processorErrors.badParam(`${at}.source: required`);
      if (input.type === 'CUSTOM') throw processorErrors.badParam(`${at}.type: CUSTOM sources are for resource tenants, not offered here`);
      if (input.type === 'OBS') await this.deps.buckets.check({ projectId }, parseObsPath(input.source, `${at}.source`), `${at}.source`);
      if (input.type === 'DATASET') {
        await this.deps.datasets.require(projectId, input.source);
        if (input.version_id !== undefined) await this.deps.datasets.versionManifest(projectId, input.source, input.version_id);
      }
      if (input.type === 'TASK' && !(await this.deps.store.task(projectId, input.source))) throw processorErrors.taskNotFound(input.source);
    }
    return list;
  }

  /** The folder versions write under; analyse writes nothing and needs none. */
  private async outputBase(projectId: string, work: Work | undefined, inputs: readonly Source[], templateId: TemplateId): Promise<ObjectPath | undefined> {
    let base: ObjectPath | undefined;
    if (work?.path !== undefined) {
      if (work.type === 'DATASET') {
        const d = await this.deps.datasets.require(projectId, work.path);
        base = { bucket: d.workPath.bucket, key: joinKey(d.workPath.key, 'processor-output') + '/' };
      } else {
        base = parseObsPath(work.path, 'work_path.path');
        if (base.key !== '' && !base.key.endsWith('/')) base = { ...base, key: `${base.key}/` };
      }
    } else if (inputs[0]?.type === 'DATASET' && inputs[0].source !== undefined) {
      const d = await this.deps.datasets.require(projectId, inputs[0].source);
      base = { bucket: d.workPath.bucket, key: joinKey(d.workPath.key, 'processor-output') + '/' };
    }
    if (!base) {
      if (templateId === 'sys_data_analyse') return undefined;
      throw processorErrors.badParam('work_path.path: required, the OBS folder or dataset the output goes to');
    }
    await this.deps.buckets.check({ projectId }, base, 'work_path.path', 'write');
    return base;
  }

  private async startVersion(
    task: ProcessorTaskRow,
    v: { description: string; template: Template; inputs: readonly Source[]; work: Work | undefined; output: ObjectPath | undefined },
  ): Promise<string> {
    const existing = await this.deps.store.versions(task.id);
    const last = existing.reduce((n, e) => Math.max(n, Number(e.version_name.slice(1)) || 0), 0);
    const id = shortId();
    const now = this.deps.clock.now();
    await this.deps.store.insertVersion({
      id,
      task_id: task.id,
      project_id: task.project_id,
      version_name: `V${String(last + 1).padStart(3, '0')}`,
      description: v.description,
      template: JSON.stringify(v.template),
      inputs: JSON.stringify(v.inputs),
      work_path: v.work ? JSON.stringify(v.work) : null,
      output_path: v.output ? formatObsPath(v.output.bucket, `${v.output.key}${id}/`) : '',
      queue_task_id: null,
      status: 0,
      error_msg: null,
      origin_sample_count: 0,
      add_sample_count: 0,
      modified_sample_count: 0,
      deleted_sample_count: 0,
      unmodified_sample_count: 0,
      result: null,
      create_time: now,
      update_time: now,
      started_at: null,
      finished_at: null,
    });
    const queued = await this.deps.queue.enqueue(this.deps.runTask, { projectId: task.project_id, versionId: id }, { projectId: task.project_id });
    await this.deps.store.updateVersion(id, { queue_task_id: queued });
    return id;
  }
}
