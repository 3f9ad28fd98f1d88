import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '#src/core/errors.ts';
import { bucketProblem, checkObjectKey, formatObsPath, isInside, isKeyInside, joinKey, keyProblem, parseObsPath } from '#src/storage/index.ts';

const isBadParam = (field: string) => (e: unknown) => e instanceof ApiError && e.status === 400 && e.code === 'ModelArts.0104' && e.message.includes(field);

describe('parseObsPath', () => {
  test('the three spellings of a path', () => {
    assert.deepEqual(parseObsPath('/bucket/dir/file.jpg', 'p'), { bucket: 'bucket', key: 'dir/file.jpg' });
    assert.deepEqual(parseObsPath('obs://bucket/dir/', 'p'), { bucket: 'bucket', key: 'dir/' });
    assert.deepEqual(parseObsPath('s3://my.bucket-1/a', 'p'), { bucket: 'my.bucket-1', key: 'a' });
  });

  test('the bucket root, folders and odd but legal names', () => {
    assert.deepEqual(parseObsPath('/bucket', 'p'), { bucket: 'bucket', key: '' });
    assert.deepEqual(parseObsPath('/bucket/', 'p'), { bucket: 'bucket', key: '' });
    assert.deepEqual(parseObsPath('obs://bucket', 'p'), { bucket: 'bucket', key: '' });
    assert.deepEqual(parseObsPath('/bucket/a/b/', 'p'), { bucket: 'bucket', key: 'a/b/' });
    assert.deepEqual(parseObsPath('/bucket/..a/b..c/...', 'p'), { bucket: 'bucket', key: '..a/b..c/...' });
    assert.deepEqual(parseObsPath('/bucket/.hidden/x y/ü.txt', 'p'), { bucket: 'bucket', key: '.hidden/x y/ü.txt' });
    assert.deepEqual(parseObsPath(`/${'b'.repeat(63)}/k`, 'p').bucket, 'b'.repeat(63));
  });

  test('unsafe or malformed paths are a 400 ModelArts.0104 naming the field', () => {
    const bad = [
      '/bucket/../etc/passwd',
      '/bucket/a/../../x',
      '/bucket/..',
      '/bucket/a/..',
      '/bucket/a/./b',
      '/bucket/.',
      '/bucket/a\0b',
      '/bucket/line\nbreak',
      '/bucket/tab\there',
      '/bucket/del\u007f',
      '/bucket/a\\b',
      '/bucket/..\\..\\x',
      '/bucket//abs',
      '/bucket/a//b',
      '/bucket/a//',
      `/bucket/${'k'.repeat(1025)}`,
      'bucket/a',
      'http://x/y',
      'obs:/bucket/a',
      'obs://',
      '/',
      '',
      '//x',
      '/Bucket/a',
      '/ab/c',
      `/${'b'.repeat(64)}/k`,
      '/-bucket/a',
      '/bucket-/a',
      '/buck_et/a',
      '/buck..et/a',
      '/buck.-et/a',
      '/buck-.et/a',
      '/192.168.1.1/a',
      '/.tmp/a',
    ];
    for (const path of bad) assert.throws(() => parseObsPath(path, 'data_sources.path'), isBadParam('data_sources.path'), JSON.stringify(path));
  });

  test('the check functions say what is wrong', () => {
    assert.equal(keyProblem(''), undefined);
    assert.equal(keyProblem('a/b/'), undefined);
    assert.match(keyProblem('a/../b') ?? '', /"\.\."/);
    assert.match(keyProblem('a\0') ?? '', /NUL/);
    assert.match(keyProblem('/a') ?? '', /absolute/);
    assert.match(bucketProblem('AB') ?? '', /bucket name/);
    assert.equal(bucketProblem('abc'), undefined);
    assert.throws(() => checkObjectKey('abc', '', 'source'), isBadParam('source'));
  });
});

describe('path helpers', () => {
  test('formatObsPath', () => {
    assert.equal(formatObsPath({ bucket: 'b1c', key: 'x/y' }), '/b1c/x/y');
    assert.equal(formatObsPath('b1c', 'x/'), '/b1c/x/');
    assert.equal(formatObsPath('b1c', ''), '/b1c/');
    const p = parseObsPath('obs://b1c/a/b.txt', 'p');
    assert.deepEqual(parseObsPath(formatObsPath(p), 'p'), p);
  });

  test('joinKey joins with single slashes and keeps a final folder slash', () => {
    assert.equal(joinKey('a/', '/b/', 'c.jpg'), 'a/b/c.jpg');
    assert.equal(joinKey('', 'x'), 'x');
    assert.equal(joinKey('out', 'logs/'), 'out/logs/');
    assert.equal(joinKey('out/', ''), 'out/');
    assert.equal(joinKey('a', 'b', 'c'), 'a/b/c');
    assert.equal(joinKey(), '');
  });

  test('isInside compares whole segments within one bucket', () => {
    const p = (s: string) => parseObsPath(s, 'p');
    assert.equal(isInside(p('/b1c/data/'), p('/b1c/data/out/')), true);
    assert.equal(isInside(p('/b1c/data/'), p('/b1c/data/out/x.txt')), true);
    assert.equal(isInside(p('/b1c/data'), p('/b1c/data')), true);
    assert.equal(isInside(p('/b1c/data/'), p('/b1c/data')), true);
    assert.equal(isInside(p('/b1c/data/'), p('/b1c/database/')), false);
    assert.equal(isInside(p('/b1c/data/out/'), p('/b1c/data/')), false);
    assert.equal(isInside(p('/b1c/data/'), p('/b2c/data/x')), false);
    assert.equal(isInside(p('/b1c/'), p('/b1c/anything')), true);
    assert.equal(isInside(p('/b1c'), p('/b1c')), true);
    assert.equal(isKeyInside('a/b', 'a/b/c'), true);
    assert.equal(isKeyInside('a/b', 'a/bc'), false);
  });
});
