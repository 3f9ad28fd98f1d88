import { pluginTemplateOperations } from '#src/modules/plugin-templates/operations.ts';
import { resourceFlavorOperations } from '#src/modules/resource-flavors/operations.ts';
import type { OperationQuery } from '#src/core/operation.ts';
import type { HttpClient } from '../http-client.ts';

/** Resource flavors (#156) and plug-in templates (#139): what this host offers pools. */
export const resourceFlavorsClient = (http: HttpClient) => ({
  list: (query: OperationQuery<typeof resourceFlavorOperations.ListResourceFlavors> = {}) => http.op(resourceFlavorOperations.ListResourceFlavors, { query }),
  pluginTemplate: (name: string) => http.op(pluginTemplateOperations.ShowPluginTemplate, { params: { plugintemplate_name: name } }),
});
