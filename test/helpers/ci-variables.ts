/** The variables of a job in each CI, as the unit tests of the CI context use them. */

export const GITHUB = {
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_RUN_ID: '912345',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_JOB: 'deploy',
  GITHUB_SHA: '9fceb02d0ae598e95dc970b74767f19372d61af8',
  GITHUB_REF: 'refs/tags/v1.4.2',
  GITHUB_REF_NAME: 'v1.4.2',
  GITHUB_REF_TYPE: 'tag',
  GITHUB_ACTOR: 'octocat',
};

export const GITLAB = {
  GITLAB_CI: 'true',
  CI: 'true',
  CI_PROJECT_PATH: 'acme/shop',
  CI_JOB_ID: '7781',
  CI_COMMIT_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  CI_COMMIT_REF_NAME: 'main',
  CI_PIPELINE_URL: 'https://gitlab.example.com/acme/shop/-/pipelines/55',
  CI_PROJECT_URL: 'https://gitlab.example.com/acme/shop',
  GITLAB_USER_LOGIN: 'alice',
};

export const JENKINS = {
  JENKINS_URL: 'https://jenkins.example.com/',
  JOB_NAME: 'shop/deploy',
  BUILD_NUMBER: '42',
  BUILD_URL: 'https://jenkins.example.com/job/shop/job/deploy/42/',
  GIT_COMMIT: 'ffeeddccbbaa99887766554433221100ffeeddcc',
  GIT_BRANCH: 'origin/main',
  GIT_URL: 'https://jenkins-bot:s3cret@git.example.com/shop/deploy.git',
};
