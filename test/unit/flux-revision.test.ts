/** Flux revision strings into the version, ref, commit and digest SVT records (gitops/flux-revision.ts). */
import { describe, expect, it } from '@jest/globals';
import { splitRevision } from '../../server/src/gitops/flux-revision.js';

const SHA = '86f7e437faa5a7fce15d1ddcb9eaeaea377667b8';
const DIGEST = '0cc9a8446c952d711642b726b04401627ca9fbac32f5c8530fb1903cc4db0225';

describe('splitRevision', () => {
  it.each([
    [
      'a branch of a GitRepository',
      `main@sha1:${SHA}`,
      null,
      { version: '86f7e437faa5', ref: 'main', commit: SHA, digest: null },
    ],
    [
      'a ref with slashes',
      `refs/heads/release/2.x@sha1:${SHA}`,
      null,
      { version: '86f7e437faa5', ref: 'refs/heads/release/2.x', commit: SHA, digest: null },
    ],
    [
      'a SemVer tag: the tag is the version',
      `v2.3.0@sha1:${SHA}`,
      null,
      { version: 'v2.3.0', ref: 'v2.3.0', commit: SHA, digest: null },
    ],
    [
      'a bare commit',
      `sha1:${SHA}`,
      null,
      { version: '86f7e437faa5', ref: null, commit: SHA, digest: null },
    ],
    [
      'the format before Flux 2.0',
      `main/${SHA}`,
      null,
      { version: '86f7e437faa5', ref: 'main', commit: SHA, digest: null },
    ],
    [
      'an OCI tag',
      `6.5.2@sha256:${DIGEST}`,
      null,
      { version: '6.5.2', ref: null, commit: null, digest: `sha256:${DIGEST}` },
    ],
    [
      'an OCI `latest` built from a commit (originRevision)',
      `latest@sha256:${DIGEST}`,
      `main@sha1:${SHA}`,
      { version: '86f7e437faa5', ref: 'main', commit: SHA, digest: `sha256:${DIGEST}` },
    ],
    [
      'an OCI `latest` alone: the digest',
      `latest@sha256:${DIGEST}`,
      null,
      { version: 'sha256:0cc9a8446c95', ref: null, commit: null, digest: `sha256:${DIGEST}` },
    ],
    [
      'a bucket',
      `sha256:${DIGEST}`,
      null,
      { version: 'sha256:0cc9a8446c95', ref: null, commit: null, digest: `sha256:${DIGEST}` },
    ],
    [
      'anything else, as it is',
      '6.5.1',
      null,
      { version: '6.5.1', ref: null, commit: null, digest: null },
    ],
    [
      'a short hex is no commit',
      'main@sha1:86f7e437',
      null,
      { version: 'main@sha1:86f7e437', ref: null, commit: null, digest: null },
    ],
  ])('%s', (_, revision, origin, parts) => {
    expect(splitRevision(revision, origin)).toEqual(parts);
  });
});
