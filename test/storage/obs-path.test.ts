import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '#src/core/errors.ts';
import { formatObsPath, isInside, joinKey, parseObsPath } from '#src/storage/index.ts';

test('the three spellings of a path', () => {
  assert.deepEqual(parseObsPath('/bucket/dir/file.jpg', 'p'), { bucket: 'bucket', key: 'dir/file.jpg' });
  assert.deepEqual(parseObsPath('obs://bucket/dir/', 'p'), { bucket: 'bucket', key: 'dir/' });
  assert.deepEqual(parseObsPath('s3://my.bucket-1/a', 'p'), { bucket: 'my.bucket-1', key: 'a' });
  assert.deepEqual(parseObsPath('/bucket', 'p'), { bucket: 'bucket', key: '' });
  assert.deepEqual(parseObsPath('/bucket/', 'p'), { bucket: 'bucket', key: '' });
  assert.equal(formatObsPath({ bucket: 'b1c', key: 'x/y' }), '/b1c/x/y');
});

test('unsafe paths are a 400 naming the field', () => {
  for (const bad of ['/bucket/../etc/passwd', '/bucket/a/../../x', '/bucket/a/./b', '/bucket/a\0b', '/bucket/a\\b', '/bucket//abs', '/bucket/a//b', 'bucket/a', 'http://x/y', '/Bucket/a', '/ab/c', '/-bucket/a', '', '//x']) {
    assert.throws(
      () => parseObsPath(bad, 'data_sources.path'),
      (e: unknown) => e instanceof ApiError && e.status === 400 && e.code === 'ModelArts.0104' && e.message.includes('data_sources.path'),
      JSON.stringify(bad),
    );
  }
});

test('joinKey and isInside work on whole segments', () => {
  assert.equal(joinKey('a/', '/b/', 'c.jpg'), 'a/b/c.jpg');
  assert.equal(joinKey('', 'x'), 'x');
  const p = (s: string) => parseObsPath(s, 'p');
  assert.equal(isInside(p('/b1c/data/'), p('/b1c/data/out/')), true);
  assert.equal(isInside(p('/b1c/data'), p('/b1c/data')), true);
  assert.equal(isInside(p('/b1c/data/'), p('/b1c/database/')), false);
  assert.equal(isInside(p('/b1c/data/'), p('/b2c/data/x')), false);
  assert.equal(isInside(p('/b1c/'), p('/b1c/anything')), true);
});
