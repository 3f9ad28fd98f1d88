// What a processing pod downloads: the fewest places that hold every input file and its annotation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { placeDir, stagedPlaces } from '#src/modules/processor-tasks/staged-files.ts';

describe('staged places of a processing pod', () => {
  it('stages a folder once for all its files, a folder below it not again, and a lone file by itself', () => {
    const places = stagedPlaces([
      { bucket: 'b1', key: 'in/a.png', annotationKey: 'in/a.xml' },
      { bucket: 'b1', key: 'in/sub/c.png' },
      { bucket: 'b1', key: 'in/sub/d.png' },
      { bucket: 'b1', key: 'other/only.png' },
      { bucket: 'b2', key: 'top.png' },
      { bucket: 'b2', key: 'x/y/1.png' },
      { bucket: 'b2', key: 'x/y/2.png' },
    ]);
    assert.deepEqual(places, [
      { bucket: 'b1', key: 'in/' },
      { bucket: 'b1', key: 'other/only.png' },
      { bucket: 'b2', key: 'top.png' },
      { bucket: 'b2', key: 'x/y/' },
    ]);
  });

  it('a file and its annotation are two files: their folder is staged', () => {
    assert.deepEqual(stagedPlaces([{ bucket: 'b1', key: 'in/a.png', annotationKey: 'in/a.xml' }]), [{ bucket: 'b1', key: 'in/' }]);
  });

  it('stages the folder that holds them all when a bucket would need too many places', () => {
    const files = Array.from({ length: 100 }, (_, i) => ({ bucket: 'b1', key: `data/set/part${i}/f.png` }));
    assert.deepEqual(stagedPlaces(files), [{ bucket: 'b1', key: 'data/set/' }]);
  });

  it('a place lands at its own key below its bucket, so a file keeps its key in the pod', () => {
    assert.equal(placeDir('/task/files', { bucket: 'b1', key: 'in/' }), '/task/files/b1/in/');
    assert.equal(placeDir('/task/files', { bucket: 'b1', key: 'other/only.png' }), '/task/files/b1/other/');
    assert.equal(placeDir('/task/files', { bucket: 'b1', key: 'root.png' }), '/task/files/b1/');
  });
});
