// What the services family needs of other families, declared here and passed in by the wiring.
import type { DeployableModel } from '#src/modules/models/index.ts';

/** The models a service deploys. */
export interface DeployableModels {
  /** The model of this project, or undefined. */
  deployable(projectId: string, modelId: string): Promise<DeployableModel | undefined>;
}
