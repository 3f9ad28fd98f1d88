// Pure pieces of the datasets family: CSV joining, label rules, path rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '#src/core/errors.ts';
import { checkWorkOutsideInput, parseFolder, parseWorkPath } from '#src/modules/datasets/dataset-paths.ts';
import { datasetTypes } from '#src/formats/dataset-types.ts';
import { checkNewLabels } from '#src/modules/datasets/label-rules.ts';
import { csvField, endOfFirstRecord } from '#src/modules/datasets/version-csv.ts';

const code = (c: string) => (e: unknown) => e instanceof ApiError && e.code === c;

test('the first CSV record ends at the first line break outside quotes', () => {
  assert.deepEqual(endOfFirstRecord('a,b\n1,2\n', false), { end: 4, inQuotes: false });
  assert.deepEqual(endOfFirstRecord('"a\nb",c\n1,2\n', false), { end: 8, inQuotes: false });
  assert.deepEqual(endOfFirstRecord('"say ""hi""\nthere",x\nrest', false), { end: 21, inQuotes: false });
  assert.deepEqual(endOfFirstRecord('"open\n', false), { end: -1, inQuotes: true });
  assert.deepEqual(endOfFirstRecord('still",x\nrow', true), { end: 9, inQuotes: false });
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "x"'), '"say ""x"""');
});

test('label rules: names, duplicates, types that fit, triplet relations', () => {
  const image = datasetTypes[0];
  assert.deepEqual(checkNewLabels(image, [{ name: ' cat ' }], 'labels'), [{ name: 'cat', type: 0 }]);
  assert.throws(() => checkNewLabels(image, [{ name: 'a' }, { name: 'a' }], 'labels'), code('ModelArts.4411'));
  assert.throws(() => checkNewLabels(image, [{ name: 'a' }], 'labels', [{ name: 'a', type: 0 }]), code('ModelArts.4411'));
  assert.throws(() => checkNewLabels(image, [{ name: 'a', type: 100 }], 'labels'), code('ModelArts.4413'));
  assert.throws(() => checkNewLabels(image, [{ name: 'x'.repeat(33) }], 'labels'), code('ModelArts.0104'));
  assert.throws(() => checkNewLabels(datasetTypes[400], [{ name: 'a' }], 'labels'), code('ModelArts.4413'));
  const triplet = datasetTypes[102];
  const relation = { name: 'Author', type: 102 as const, property: { '@modelarts:from_type': 'Person', '@modelarts:to_type': 'Book' } };
  assert.throws(() => checkNewLabels(triplet, [relation], 'labels'), code('ModelArts.4414'));
  assert.equal(
    checkNewLabels(triplet, [relation], 'labels', [
      { name: 'Person', type: 103 },
      { name: 'Book', type: 103 },
    ]).length,
    1,
  );
});

test('path rules: folders below a bucket, 3..700 characters, output outside the input', () => {
  assert.deepEqual(parseWorkPath('/b-1/out'), { bucket: 'b-1', key: 'out/' });
  assert.deepEqual(parseFolder('obs://b-1/in/', 'p'), { bucket: 'b-1', key: 'in/' });
  assert.throws(() => parseWorkPath('/b-1/'), code('ModelArts.4205'));
  assert.throws(() => parseWorkPath('/b-1'), code('ModelArts.4205'));
  assert.throws(() => parseWorkPath(`/b-1/${'x'.repeat(700)}`), code('ModelArts.4350'));
  assert.throws(() => parseWorkPath('/b-1/../x/'), code('ModelArts.0104'));
  assert.throws(() => checkWorkOutsideInput({ bucket: 'b', key: 'in/out/' }, { bucket: 'b', key: 'in/' }), code('ModelArts.4374'));
  checkWorkOutsideInput({ bucket: 'b', key: 'input2/' }, { bucket: 'b', key: 'in/' });
  checkWorkOutsideInput({ bucket: 'c', key: 'in/' }, { bucket: 'b', key: 'in/' });
});
