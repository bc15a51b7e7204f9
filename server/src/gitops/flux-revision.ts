/**
 * Flux revisions, as its source artifacts spell them (fluxcd/pkg `git`
 * `Commit.String`, source-controller's OCI and bucket artifacts):
 * `<branch or tag>@sha1:<40 hex>` or `sha1:<40 hex>` for a git commit,
 * `<tag>@sha256:<64 hex>` for an OCI artifact, `sha256:<hex>` for a bucket,
 * and before Flux 2.0 `<branch>/<40 hex>`.
 */
import { gitVersion } from './verdict.js';

/** What SVT records of a revision. */
export interface RevisionParts {
  /** The version to record: see `splitRevision`. */
  version: string;
  /** The branch or tag, when the revision names one. */
  ref: string | null;
  /** The git commit, full, when the revision (or the origin revision) is one. */
  commit: string | null;
  /** An artifact digest (`sha256:<hex>`), for OCI and bucket sources. */
  digest: string | null;
}

const GIT = /^(?:(?<ref>.+)@)?sha1:(?<hex>[0-9a-f]{40})$/;
const GIT_BEFORE_2_0 = /^(?<ref>[^@/][^@]*)\/(?<hex>[0-9a-f]{40})$/;
const DIGEST = /^(?:(?<tag>.+)@)?(?<algo>sha256|sha384|sha512|blake3):(?<hex>[0-9a-f]{32,128})$/;

function git(revision: string): { ref: string | null; commit: string } | null {
  const m = GIT.exec(revision) ?? GIT_BEFORE_2_0.exec(revision);
  const hex = m?.groups?.hex;
  return hex === undefined ? null : { ref: m?.groups?.ref ?? null, commit: hex };
}

/**
 * Splits a revision into the version SVT records, its ref, commit and
 * digest. A git revision: the ref and commit, and as version the tag when
 * the ref is a SemVer tag, else the commit's first 12 hex digits. An
 * artifact digest: its tag as version (unless `latest`), else the commit of
 * `origin` (Flux's `originRevision`, the git revision an OCI artifact was
 * built from), else the digest's first 12 hex digits. Anything else is the
 * version as it is (validated later like any version).
 */
export function splitRevision(revision: string, origin: string | null): RevisionParts {
  const commit = git(revision);
  if (commit !== null) {
    return { version: gitVersion(commit.ref, commit.commit), ...commit, digest: null };
  }
  const digest = DIGEST.exec(revision)?.groups;
  if (digest?.algo !== undefined && digest.hex !== undefined) {
    const from = origin === null ? null : git(origin);
    const tag = digest.tag !== undefined && digest.tag !== 'latest' ? digest.tag : null;
    return {
      version:
        tag ??
        (from === null
          ? `${digest.algo}:${digest.hex.slice(0, 12)}`
          : gitVersion(from.ref, from.commit)),
      ref: from?.ref ?? null,
      commit: from?.commit ?? null,
      digest: `${digest.algo}:${digest.hex}`,
    };
  }
  return { version: revision, ref: null, commit: null, digest: null };
}
