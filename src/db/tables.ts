// Every table of the database, composed from the modules that own them. A module's store is the
// only code that queries its tables.
import type { IdentityTables } from '#src/auth/tables.ts';
import type { AuthorizationTables } from '#src/modules/authorizations/tables.ts';
import type { DatasetTables } from '#src/modules/datasets/tables.ts';
import type { DataTransferTables } from '#src/modules/data-transfer/tables.ts';
import type { SampleTables } from '#src/modules/samples/tables.ts';
import type { TaskTables } from '#src/runtime/task-tables.ts';
import type { LeaseTables } from '#src/runtime/lease-tables.ts';
import type { PoolLedgerTables } from '#src/runtime/pool-ledger/tables.ts';
import type { MetricTables } from '#src/runtime/metrics/metric-tables.ts';
import type { AlgorithmTables } from '#src/modules/algorithms/tables.ts';
import type { TrainingTables } from '#src/modules/training-jobs/tables.ts';
import type { ModelTables } from '#src/modules/models/tables.ts';
import type { ServiceTables } from '#src/modules/services/tables.ts';
import type { ServiceModelStatsTables } from '#src/modules/services/model-stats-tables.ts';
import type { BucketTables } from '#src/storage/bucket-tables.ts';
import type { NotebookTables } from '#src/modules/notebooks/tables.ts';
import type { ImageTables } from '#src/modules/images/tables.ts';
import type { DevEnvTables } from '#src/modules/devenv/tables.ts';
import type { NetworkTables } from '#src/modules/networks/tables.ts';
import type { PoolTables } from '#src/modules/pools/tables.ts';
import type { PoolTagTables } from '#src/modules/pool-tags/tables.ts';
import type { ProcessorTables } from '#src/modules/processor-tasks/tables.ts';
import type { IntelligentTaskTables } from '#src/modules/intelligent-tasks/tables.ts';
import type { WorkforceTaskTables } from '#src/modules/workforce-tasks/tables.ts';
import type { ExportTaskTables } from '#src/modules/data-transfer/export-tables.ts';
import type { WorkforceTables } from '#src/modules/workforces/tables.ts';

export interface Tables
  extends
    IdentityTables,
    AuthorizationTables,
    DatasetTables,
    SampleTables,
    TaskTables,
    LeaseTables,
    PoolLedgerTables,
    MetricTables,
    AlgorithmTables,
    TrainingTables,
    ModelTables,
    ServiceTables,
    ServiceModelStatsTables,
    BucketTables,
    DataTransferTables,
    ImageTables,
    NotebookTables,
    DevEnvTables,
    NetworkTables,
    PoolTables,
    PoolTagTables,
    ProcessorTables,
    ExportTaskTables,
    IntelligentTaskTables,
    WorkforceTables,
    WorkforceTaskTables {}
