import { HttpClient, type ClientAuth } from './http-client.ts';
import { authorizationsClient } from './families/authorizations.ts';
import { datasetsClient } from './families/datasets.ts';
import { iamClient } from './families/iam.ts';
import { imagesClient } from './families/images.ts';
import { notebooksClient } from './families/notebooks.ts';
import { devenvClient } from './families/devenv.ts';
import { modelsClient } from './families/models.ts';
import { networksClient } from './families/networks.ts';
import { intelligentTasksClient } from './families/intelligent-tasks.ts';
import { poolsClient } from './families/pools.ts';
import { processorTasksClient } from './families/processor-tasks.ts';
import { poolTagsClient } from './families/pool-tags.ts';
import { poolWorkloadsClient } from './families/pool-workloads.ts';
import { poolMetricsClient } from './families/pool-metrics.ts';
import { resourceConfigClient } from './families/resource-config.ts';
import { resourceFlavorsClient } from './families/resource-flavors.ts';
import { samplesClient } from './families/samples.ts';
import { servicesClient } from './families/services.ts';
import { trainingClient } from './families/training.ts';
import { workforcesClient } from './families/workforces.ts';
import { workforceTasksClient } from './families/workforce-tasks.ts';

export { ApiClientError, HttpClient, type ClientAuth, type PreparedRequest, type RawResponse, type RequestOptions } from './http-client.ts';

/** Typed client for the APIs Atelier serves; every call is signed (AK/SK) or carries a token. */
export class AtelierClient {
  readonly http: HttpClient;
  readonly iam;
  readonly authorizations;
  readonly resourceConfig;
  readonly resourceFlavors;
  readonly networks;
  readonly intelligentTasks;
  readonly pools;
  readonly processorTasks;
  readonly poolTags;
  readonly poolWorkloads;
  readonly poolMetrics;
  readonly datasets;
  readonly samples;
  readonly training;
  readonly models;
  readonly services;
  readonly images;
  readonly notebooks;
  readonly devenv;
  readonly workforces;
  readonly workforceTasks;

  constructor(endpoint: string, auth: ClientAuth) {
    this.http = new HttpClient(endpoint, auth);
    this.iam = iamClient(this.http);
    this.authorizations = authorizationsClient(this.http);
    this.resourceConfig = resourceConfigClient(this.http);
    this.resourceFlavors = resourceFlavorsClient(this.http);
    this.networks = networksClient(this.http);
    this.intelligentTasks = intelligentTasksClient(this.http);
    this.pools = poolsClient(this.http);
    this.processorTasks = processorTasksClient(this.http);
    this.poolTags = poolTagsClient(this.http);
    this.poolWorkloads = poolWorkloadsClient(this.http);
    this.poolMetrics = poolMetricsClient(this.http);
    this.datasets = datasetsClient(this.http);
    this.samples = samplesClient(this.http);
    this.training = trainingClient(this.http);
    this.models = modelsClient(this.http);
    this.services = servicesClient(this.http);
    this.images = imagesClient(this.http);
    this.notebooks = notebooksClient(this.http);
    this.devenv = devenvClient(this.http);
    this.workforces = workforcesClient(this.http);
    this.workforceTasks = workforceTasksClient(this.http);
  }

  get projectId(): string {
    return this.http.projectId;
  }
}
