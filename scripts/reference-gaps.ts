// Lists what the API reference still lacks (`npx tsx scripts/reference-gaps.ts [filter ...]`):
// fields without a description, coded values left unexplained, operations without examples.
// A filter keeps the operations whose id or tag contains it; --no-examples leaves examples out.
import { servedDocument } from './lib/served-openapi.ts';
import { referenceGaps } from './lib/reference-gaps.ts';

const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('--'));
const gaps = referenceGaps(await servedDocument(), { examples: !args.includes('--no-examples') }).filter(
  (g) => filters.length === 0 || filters.some((f) => g.operation.includes(f) || g.tag.includes(f)),
);
for (const g of gaps) console.log(`${g.operation} ${g.where}: ${g.problem}`);
console.log(`${gaps.length} gaps`);
