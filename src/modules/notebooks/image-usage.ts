import type { Database } from '#src/db/database.ts';

/**
 * Whether an instance of the project (new or old API: old instances are notebooks) names an image,
 * read from the notebooks table: the images family refuses to delete such an image. Built before
 * both families, so neither needs the other to exist first.
 */
export function notebookImageUsage(database: Database): { inUse(projectId: string, imageId: string): Promise<boolean> } {
  return {
    async inUse(projectId, imageId) {
      const row = await database.db
        .selectFrom('notebooks')
        .select('id')
        .where('project_id', '=', projectId)
        .where('image_id', '=', imageId)
        .where('status', '!=', 'DELETED')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
