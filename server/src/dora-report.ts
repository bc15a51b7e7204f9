/**
 * Where a DORA report's deployments come from, and the report itself: the
 * window's deployments read a page at a time into a DoraAccumulator
 * (dora.ts). A store answers with its history pages; the SQLite adapter
 * reads only the columns the rules use, in a reader thread.
 */
import type { DoraReport } from '@svt/client';
import { DoraAccumulator, doraEvent, type DoraEvent, type DoraWindow } from './dora.js';
import { notFound } from './errors.js';
import type { HistoryPosition, HistoryQuery, Store } from './store/types.js';

/** One page of a window's deployments as DoraEvents, newest first, and where the next starts. */
export interface DoraPage {
  events: DoraEvent[];
  next: HistoryPosition | null;
}

/**
 * What a DORA report reads: the catalogue, to tell an unknown name from a
 * quiet window, and the window's deployments a page at a time, newest first
 * (a store's history order), as DoraEvents.
 */
export interface DoraSource extends Pick<Store, 'environments' | 'app'> {
  events(query: HistoryQuery): Promise<DoraPage>;
}

/** A store as a DoraSource: its history pages, each deployment as a DoraEvent. */
export function storeSource(store: Pick<Store, 'history' | 'environments' | 'app'>): DoraSource {
  return {
    environments: () => store.environments(),
    app: (name) => store.app(name),
    events: async (query) => {
      const page = await store.history(query);
      return { events: page.items.map(doraEvent), next: page.next };
    },
  };
}

/**
 * Reads the window's history from the store, a page at a time, into a
 * report. An environment or app never recorded is a 404: a typo, not a
 * quiet window.
 */
export async function doraReport(store: DoraSource, w: DoraWindow): Promise<DoraReport> {
  const envs = (await store.environments()).map((e) => e.name);
  if (w.env !== null && !envs.includes(w.env))
    throw notFound(`no deployment was ever recorded in environment "${w.env}"`);
  const appEnvs = w.app === null ? null : await store.app(w.app);
  if (appEnvs === null && w.app !== null)
    throw notFound(`no deployment of app "${w.app}" was ever recorded`);
  // One environment at a time, each newest first: all the rules need
  // (dora.ts), and every read then follows one env's or one env and app's
  // time index, instead of merging every environment's pages.
  const scopes = w.env !== null ? [w.env] : (appEnvs?.map((a) => a.env) ?? envs);
  const acc = new DoraAccumulator(w);
  for (const env of scopes) {
    let query: HistoryQuery = {
      env,
      ...(w.app === null ? {} : { app: w.app }),
      since: w.since,
      until: w.until,
      limit: DORA_PAGE,
    };
    for (;;) {
      const page = await store.events(query);
      for (const d of page.events) acc.add(d);
      if (page.next === null) break;
      query = { ...query, after: page.next };
    }
  }
  return acc.report();
}

/** Deployments a DORA report reads at a time. */
const DORA_PAGE = 5000;
