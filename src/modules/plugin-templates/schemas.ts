import { Type } from 'typebox';
import { StringCodes } from '#src/core/schemas.ts';

export const PluginTemplateParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64, description: 'Project ID' }),
  plugintemplate_name: Type.String({
    minLength: 1,
    maxLength: 64,
    description: "Template name: gpu-driver (the GPU driver of a pool's nodes) or npu-driver (the NPU driver); any other name is 404",
  }),
});

const PluginTemplateVersion = Type.Object({
  detail: Type.String({ description: 'What this version is, and whether this host can apply it' }),
});

export const PluginTemplateResponse = Type.Object({
  apiVersion: StringCodes(['v1'], { v1: 'the only version' }, 'API version'),
  kind: StringCodes(['PluginTemplate'], { PluginTemplate: 'a plug-in template' }, 'Resource kind'),
  metadata: Type.Object({ name: Type.String({ description: 'Template name, as asked' }) }, { description: 'Name of the template' }),
  spec: Type.Object(
    {
      type: StringCodes(
        ['npuDriver', 'gpuDriver', 'ccePlugin', 'helm', 'icAgent'],
        { npuDriver: 'NPU driver', gpuDriver: 'GPU driver', ccePlugin: 'CCE add-on', helm: 'Helm chart', icAgent: 'ICAgent log and metrics agent' },
        'What the template installs; gpuDriver or npuDriver here',
      ),
      description: Type.String({
        description:
          'What the template is for, and whether this host can apply it: it cannot when it has no device of that kind (then no pool here takes a driver version)',
      }),
      versions: Type.Record(Type.String(), PluginTemplateVersion, {
        description:
          'Driver versions by name: the versions the spec names as examples, and the driver installed on this host when one is found (/proc/driver/nvidia/version)',
      }),
    },
    { description: 'What the template is and its versions' },
  ),
});
