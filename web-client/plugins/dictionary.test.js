import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DCZ_MAGIC, dczBody, useAsDictionary, zstdAgainst } from './dictionary.js';

const run = promisify(execFile);

describe('dictionary compression', () => {
  let dir;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dcz-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('the header names the URLs and the destination that may use the dictionary', () => {
    expect(useAsDictionary('/assets/maplibre-gl-worker-*.mjs', 'worker')).toBe('match="/assets/maplibre-gl-worker-*.mjs", match-dest=("worker")');
    expect(useAsDictionary('/a/*')).toBe('match="/a/*"');
  });

  test('a dcz body is the magic, the dictionary hash, then the frame', () => {
    const dictionary = Buffer.from('the dictionary');
    const body = dczBody(dictionary, Buffer.from([9, 8, 7]));
    expect(body.subarray(0, 8)).toEqual(DCZ_MAGIC);
    expect(body.subarray(8, 40)).toEqual(createHash('sha256').update(dictionary).digest());
    expect([...body.subarray(40)]).toEqual([9, 8, 7]);
  });

  test('a file sharing most of the dictionary compresses to a fraction and decodes back', async () => {
    // Two "bundles" sharing 200 KB of incompressible code, each with 20 KB of its own.
    const shared = randomBytes(200_000).toString('base64');
    const dictionary = `${shared}${randomBytes(20_000).toString('base64')}`;
    const target = `${randomBytes(20_000).toString('base64')}${shared}`;
    await writeFile(join(dir, 'dict.js'), dictionary);
    await writeFile(join(dir, 'target.mjs'), target);
    const frame = await zstdAgainst(join(dir, 'dict.js'), join(dir, 'target.mjs'));
    expect(frame.length).toBeLessThan(target.length * 0.2);
    await writeFile(join(dir, 'frame.zst'), frame);
    await run('zstd', ['-d', '-q', '-f', `--patch-from=${join(dir, 'dict.js')}`, join(dir, 'frame.zst'), '-o', join(dir, 'back.mjs')]);
    expect(await readFile(join(dir, 'back.mjs'), 'utf8')).toBe(target);
  });
});
