import type { AppContext, FamilyModule } from '#src/context.ts';
import type { ObjectUrls } from '#src/modules/object-urls/index.ts';
import { AutoLabels } from './auto-labels.ts';
import { LabelService } from './label-service.ts';
import type { SampleDatasets } from './ports.ts';
import { labelRoutes } from './routes/label-routes.ts';
import { sampleRoutes } from './routes/sample-routes.ts';
import { sheetRoutes } from './routes/sheet-routes.ts';
import { SampleSheets } from './sample-sheet.ts';
import { statsRoutes } from './routes/stats-routes.ts';
import { SampleLabeling } from './sample-labeling.ts';
import { SampleQueries } from './sample-queries.ts';
import { selectionSql, type SampleSelectionSql } from './selection-sql.ts';
import { SampleUploads } from './sample-upload.ts';
import { SampleService } from './service.ts';
import { StatsService } from './stats-service.ts';
import { SampleStore } from './store.ts';
import { VersionStore } from './version-store.ts';

export type SamplesDeps = Pick<AppContext, 'database' | 'clock' | 'objectStore' | 'buckets'> & {
  /** The datasets family's directory: the dataset samples belong to. */
  datasets: SampleDatasets;
  /** Signed URLs of sample files and their previews. */
  urls: ObjectUrls;
};

/**
 * Samples, labels, manual labeling, dataset statistics and metrics (INDEX #6, #7, #12-16, #19-25).
 * `service` is what the datasets family uses of samples (its DatasetSamplesPort).
 */
export function samplesModule(deps: SamplesDeps): FamilyModule & {
  service: SampleService;
  autoLabels: AutoLabels;
  queries: SampleQueries;
  selection: SampleSelectionSql;
  labeling: SampleLabeling;
} {
  const { datasets, clock } = deps;
  const writers = { clock, objectStore: deps.objectStore, buckets: deps.buckets };
  const store = new SampleStore(deps.database);
  const labels = new LabelService(store, datasets, writers);
  const queries = new SampleQueries(store, datasets, clock, deps.urls);
  const uploads = new SampleUploads(store, datasets, writers);
  const labeling = new SampleLabeling(store, datasets, writers);
  const stats = new StatsService(store, datasets);
  const service = new SampleService(store, new VersionStore(deps.database, store), labels, queries, datasets, clock);
  const autoLabels = new AutoLabels(store, datasets, clock);
  return {
    service,
    autoLabels,
    queries,
    selection: selectionSql(store, clock),
    labeling,
    register: async (app) => {
      await app.register(sampleRoutes, { queries, uploads, labeling });
      await app.register(labelRoutes, { labels });
      await app.register(statsRoutes, { stats });
      await app.register(sheetRoutes, { sheets: new SampleSheets(store, datasets, deps.buckets, deps.urls) });
    },
  };
}
