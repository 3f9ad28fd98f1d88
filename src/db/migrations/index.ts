// Append-only: a new migration gets the next number; a landed migration is never edited.
import * as identity from './0001_identity.ts';
import * as tasks from './0002_tasks.ts';
import * as authorizations from './0003_authorizations.ts';
import * as datasets from './0004_datasets.ts';
import * as samples from './0005_samples.ts';
import * as training from './0006_training.ts';
import * as modelsServices from './0007_models_services.ts';
import * as buckets from './0008_buckets.ts';
import * as importTasks from './0009_import_tasks.ts';
import * as images from './0010_images.ts';
import * as notebooks from './0011_notebooks.ts';
import * as devenv from './0012_devenv.ts';
import * as notebookStorage from './0013_notebook_storage.ts';
import * as notebookSnapshot from './0014_notebook_snapshot.ts';
import * as networks from './0015_networks.ts';
import * as workloadPools from './0016_workload_pools.ts';
import * as pools from './0017_pools.ts';
import * as poolTags from './0018_pool_tags.ts';
import * as exportTasks from './0020_export_tasks.ts';
import * as syncTasks from './0019_sync_tasks.ts';
import * as intelligentTasks from './0021_intelligent_tasks.ts';
import * as processorTasks from './0022_processor_tasks.ts';
import * as importUnconfirmed from './0023_import_unconfirmed.ts';
import * as workforces from './0024_workforces.ts';
import * as workforceTasks from './0025_workforce_tasks.ts';
import * as leases from './0027_leases.ts';
import * as taskCopyAcceptedTime from './0028_task_copy_accepted_time.ts';
import * as serviceEndpoints from './0029_service_endpoints.ts';
import * as trainingJobLogs from './0030_training_job_logs.ts';
import * as batchInstanceLogs from './0031_batch_instance_logs.ts';
import * as sharedMetrics from './0032_shared_metrics.ts';
import * as poolHoldings from './0033_pool_holdings.ts';

export const migrations = {
  '0001_identity': identity,
  '0002_tasks': tasks,
  '0003_authorizations': authorizations,
  '0004_datasets': datasets,
  '0005_samples': samples,
  '0006_training': training,
  '0007_models_services': modelsServices,
  '0008_buckets': buckets,
  '0009_import_tasks': importTasks,
  '0010_images': images,
  '0011_notebooks': notebooks,
  '0012_devenv': devenv,
  '0013_notebook_storage': notebookStorage,
  '0014_notebook_snapshot': notebookSnapshot,
  '0015_networks': networks,
  '0016_workload_pools': workloadPools,
  '0017_pools': pools,
  '0018_pool_tags': poolTags,
  '0019_sync_tasks': syncTasks,
  '0020_export_tasks': exportTasks,
  '0021_intelligent_tasks': intelligentTasks,
  '0022_processor_tasks': processorTasks,
  '0023_import_unconfirmed': importUnconfirmed,
  '0024_workforces': workforces,
  '0025_workforce_tasks': workforceTasks,
  '0027_leases': leases,
  '0028_task_copy_accepted_time': taskCopyAcceptedTime,
  '0029_service_endpoints': serviceEndpoints,
  '0030_training_job_logs': trainingJobLogs,
  '0031_batch_instance_logs': batchInstanceLogs,
  '0032_shared_metrics': sharedMetrics,
  '0033_pool_holdings': poolHoldings,
};
