/**
 * `/deployments/{id}/changes`: from any page to what a deployment changed,
 * on its repository's forge. The pages link each deployment here rather
 * than to the forge, so that one lookup (the deployment, the success it
 * followed, forges.ts) serves every page, whatever rows it shows.
 */
import { notFound } from '../errors.js';
import { changesLink } from '../forges.js';
import { readParams } from '../http/query.js';
import { previousSuccess } from '../previous.js';
import { deploymentParams } from '../validation/queries.js';
import type { RouteDeps } from './context.js';
import type { Routes } from './table.js';

export function linkRoutes(routes: Routes, { store, config }: RouteDeps): void {
  routes.get('/deployments/:id/changes', 'page', async (ctx) => {
    const { id } = readParams(ctx, deploymentParams).path;
    const deployment = await store.deployment(id);
    if (deployment === null) throw notFound(`no deployment has the id ${id}`);
    const previous = await previousSuccess(store, deployment);
    const link = changesLink(deployment, previous, config.forges);
    if (link === null) {
      const what = `${deployment.app} ${deployment.version} in ${deployment.env}`;
      throw notFound(
        deployment.repository === null || deployment.commit === null
          ? `${what} was recorded without a repository and a commit: there is nothing to link`
          : previous === null
            ? `${what} is the first success there: there is nothing before it to compare`
            : `no link from ${previous.version} to ${deployment.version}: another repository, the same commit, or a forge SVT does not know (SVT_FORGES)`,
      );
    }
    ctx.redirect(link);
  });
}
