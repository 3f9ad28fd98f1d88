/** Counts a project's resources of one quota type (e.g. "pool"); registered by the family that owns them. */
export type UsageCounter = (projectId: string) => Promise<number>;

/**
 * Where quota usage comes from. The family that creates a kind of resource registers its counter;
 * a type nobody registered has no resources yet, since no API of this installation creates them.
 */
export class QuotaUsage {
  private readonly counters = new Map<string, UsageCounter>();

  register(type: string, counter: UsageCounter): void {
    if (this.counters.has(type)) throw new Error(`quota usage for ${type} is already registered`);
    this.counters.set(type, counter);
  }

  async used(type: string, projectId: string): Promise<number> {
    const counter = this.counters.get(type);
    return counter ? counter(projectId) : 0;
  }
}
