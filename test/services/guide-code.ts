// Reads the inference code out of an example page of the guide (reStructuredText): the first
// literal block after the "Inference Code" heading, unindented.

export function guideInferenceCode(rst: string): string {
  const lines = rst.split('\n');
  const heading = lines.findIndex((l, i) => l.trim() === 'Inference Code' && /^-{3,}$/.test(lines[i + 1]?.trim() ?? ''));
  if (heading < 0) throw new Error('the page has no "Inference Code" section');
  const start = lines.findIndex((l, i) => i > heading && (/^\.\. code-block::/.test(l) || /::\s*$/.test(l)));
  if (start < 0) throw new Error('the "Inference Code" section has no code block');
  const block: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l.trim() !== '' && !/^\s/.test(l)) break;
    block.push(l);
  }
  const body = block.join('\n').replace(/^\n+/, '').replace(/\s+$/, '');
  const indent = Math.min(
    ...body
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => /^ */.exec(l)![0].length),
  );
  return `${body
    .split('\n')
    .map((l) => l.slice(indent))
    .join('\n')}\n`;
}
