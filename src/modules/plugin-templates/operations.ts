import { operation } from '#src/core/operation.ts';
import { PluginTemplateParams, PluginTemplateResponse } from './schemas.ts';

const tags = ['Resource Management'];

/** The plug-in templates (#139). */
export const pluginTemplateOperations = {
  ShowPluginTemplate: operation({
    id: 'ShowPluginTemplate',
    method: 'GET',
    path: '/v1/:project_id/plugintemplates/:plugintemplate_name',
    tags,
    summary: 'Obtaining a Plug-in Template',
    params: PluginTemplateParams,
    responses: { 200: PluginTemplateResponse },
  }),
};
