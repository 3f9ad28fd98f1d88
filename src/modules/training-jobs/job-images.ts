// Jobs that start from a DevEnviron image (algorithm.engine.image_url): the image's python runs the
// boot file as an engine's runtime would, in the same sandbox. The row's engine_id holds
// `image:<image id>`, so a job finds its image again when it starts and the image counts as in use
// until the job ends.
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Database } from '#src/db/database.ts';
import type { RuntimeImage } from '#src/modules/algorithms/index.ts';
import type { TrainingEngine } from './engines.ts';
import { TERMINAL_PHASES } from './store.ts';

const IMAGE_ENGINE = 'image:';

/** The engine_id column of a job started from an image. */
export const imageEngineId = (imageId: string) => `${IMAGE_ENGINE}${imageId}`;

/** The image ID a job's engine_id names, or undefined for an engine-based job. */
export const imageIdOf = (engineId: string) => (engineId.startsWith(IMAGE_ENGINE) ? engineId.slice(IMAGE_ENGINE.length) : undefined);

const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/**
 * An image as an engine: its python with -u, .py boot files, and the folders it needs shown read-only
 * (its prefix, and the installation its interpreter links to). A built-in image is the engine of its name.
 */
export function imageEngine(image: RuntimeImage, engines: readonly TrainingEngine[], runAs: string): TrainingEngine {
  const preset = image.type === 'BUILD_IN' ? engines.find((e) => e.runtime === image.python) : undefined;
  const python = real(image.python);
  const installation = [dirname(python), dirname(dirname(python))].filter((p) => p !== '/' && p !== '/usr');
  const paths = preset ? preset.paths : [...new Set([...(image.prefix ? [real(image.prefix)] : []), ...installation])];
  return {
    runtime: image.python,
    runtimeArgs: ['-u'],
    extensions: ['.py'],
    paths,
    ...(image.prefix ? { binDir: join(image.prefix, 'bin') } : {}),
    response: {
      engine_id: imageEngineId(image.id),
      engine_name: image.name,
      engine_version: image.swr_path,
      v1_compatible: false,
      run_user: runAs,
      image_info: { cpu_image_url: image.swr_path, gpu_image_url: '', image_version: '' },
    },
  };
}

/** Whether a job of the project that has not ended starts from the image: the images family keeps such an image. */
export function trainingImageUsage(database: Database): { inUse(projectId: string, imageId: string): Promise<boolean> } {
  return {
    async inUse(projectId, imageId) {
      const row = await database.db
        .selectFrom('training_jobs')
        .select('id')
        .where('project_id', '=', projectId)
        .where('engine_id', '=', imageEngineId(imageId))
        .where('phase', 'not in', TERMINAL_PHASES)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
