/**
 * A repository's web page from the ways CIs and git name a repository: the
 * clone URLs Jenkins gives in GIT_URL (`git@host:group/app.git`,
 * `ssh://git@host:2222/group/app.git`, `https://user:token@host/group/app.git`),
 * GitLab's CI_PROJECT_URL, GitHub's server URL and `owner/repo`.
 */

/** Lower-cased host and path of a clone URL in SCP form, `user@host:path` (no scheme). */
const SCP_FORM = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/;

/**
 * The web page (https, or http when the clone URL was http) of the repository
 * a clone URL or web URL names, or null when it names none: credentials,
 * the `.git` suffix, a trailing slash, a query and a fragment removed; an
 * SSH or git URL becomes https on the same host, without the SSH port (a
 * forge's SSH port is not its web port). Never throws.
 *
 * @example repositoryWebUrl('git@github.com:acme/api.git') // 'https://github.com/acme/api'
 * @example repositoryWebUrl('https://ci:glpat-x@gitlab.example.com/g/sub/api.git') // 'https://gitlab.example.com/g/sub/api'
 */
export function repositoryWebUrl(remote: string | null | undefined): string | null {
  const text = remote?.trim() ?? '';
  if (text === '') return null;
  const scp = SCP_FORM.exec(text);
  if (scp !== null && !text.includes('://'))
    return webUrl('https:', scp[1] ?? '', '', scp[2] ?? '');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  switch (url.protocol) {
    case 'http:':
    case 'https:':
      return webUrl(url.protocol, url.hostname, url.port, url.pathname);
    case 'ssh:':
    case 'git:':
    case 'git+ssh:':
    case 'ssh+git:':
      return webUrl('https:', url.hostname, '', url.pathname);
    default:
      return null;
  }
}

function webUrl(protocol: string, host: string, port: string, path: string): string | null {
  const segments = path
    .replace(/\.git\/*$/, '')
    .split('/')
    .filter((s) => s !== '');
  // A web page of a repository names at least its owner and its name.
  if (host === '' || segments.length < 2) return null;
  return `${protocol}//${host.toLowerCase()}${port === '' ? '' : `:${port}`}/${segments.join('/')}`;
}
