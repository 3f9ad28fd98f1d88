// Review (#39), sampling acceptance (#32-34, #38), task statistics (#35) and member progress (#36).
import { operation } from '#src/core/operation.ts';
import { EmptyObject } from '#src/core/schemas.ts';
import {
  AcceptanceReport,
  AcceptSamplesRequest,
  ReportQuery,
  ReviewSamplesRequest,
  StartSamplingRequest,
  StartSamplingResponse,
  UpdateSamplingQuery,
  UpdateSamplingRequest,
  UpdateSamplingResponse,
} from './acceptance-schemas.ts';
import { ProgressQuery, TaskProgress } from './progress-schemas.ts';
import { TaskParams } from './schemas.ts';
import { TaskMetrics, TaskStats, TaskStatsQuery } from './stats-schemas.ts';

const tasks = ['Data Management APIs / APIs for managing labeling tasks'];
const process = ['Data Management APIs / APIs for managing the team labeling process'];
const base = '/v2/:project_id/datasets/:dataset_id/workforce-tasks/:workforce_task_id';

export const acceptanceOperations = {
  StartWorkforceSamplingTask: operation({
    id: 'StartWorkforceSamplingTask',
    method: 'POST',
    path: `${base}/acceptance`,
    tags: tasks,
    summary: 'Creating a Team Labeling Acceptance Task',
    params: TaskParams,
    body: StartSamplingRequest,
    responses: { 200: StartSamplingResponse },
  }),
  GetWorkforceSamplingTask: operation({
    id: 'GetWorkforceSamplingTask',
    method: 'GET',
    path: `${base}/acceptance/report`,
    tags: tasks,
    summary: 'Querying the Report of a Team Labeling Acceptance Task',
    params: TaskParams,
    querystring: ReportQuery,
    responses: { 200: AcceptanceReport },
  }),
  UpdateWorkforceSamplingTask: operation({
    id: 'UpdateWorkforceSamplingTask',
    method: 'PUT',
    path: `${base}/acceptance/status`,
    tags: tasks,
    summary: 'Updating the Status of a Team Labeling Acceptance Task',
    params: TaskParams,
    querystring: UpdateSamplingQuery,
    body: UpdateSamplingRequest,
    responses: { 200: UpdateSamplingResponse },
  }),
  ListWorkforceTaskStats: operation({
    id: 'ListWorkforceTaskStats',
    method: 'GET',
    path: `${base}/data-annotations/stats`,
    tags: tasks,
    summary: 'Querying Statistics for a Team Labeling Task',
    params: TaskParams,
    querystring: TaskStatsQuery,
    responses: { 200: TaskStats },
  }),
  GetWorkforceTaskMetrics: operation({
    id: 'GetWorkforceTaskMetrics',
    method: 'GET',
    path: `${base}/metrics`,
    tags: tasks,
    summary: 'Obtaining Details About the Progress of a Team Labeling Task Member',
    params: TaskParams,
    responses: { 200: TaskMetrics },
  }),
  // An Atelier extension, not in the spec: the task's progress over time (the spec's statistics give no series).
  GetWorkforceTaskProgress: operation({
    id: 'GetWorkforceTaskProgress',
    method: 'GET',
    path: `${base}/metrics/progress`,
    tags: tasks,
    summary: "Reading a team labeling task's progress over time (an Atelier extension: copies labeled, reviewed and accepted per hour or day)",
    params: TaskParams,
    querystring: ProgressQuery,
    responses: { 200: TaskProgress },
  }),
  AcceptSamples: operation({
    id: 'AcceptSamples',
    method: 'POST',
    path: `${base}/acceptance/batch-comment`,
    tags: process,
    summary: 'Submitting Sample Review Comments of an Acceptance Task',
    params: TaskParams,
    body: AcceptSamplesRequest,
    responses: { 200: EmptyObject },
  }),
  ReviewSamples: operation({
    id: 'ReviewSamples',
    method: 'POST',
    path: `${base}/data-annotations/review`,
    tags: process,
    summary: 'Reviewing Team Labeling Results',
    params: TaskParams,
    body: ReviewSamplesRequest,
    responses: { 200: EmptyObject },
  }),
};
