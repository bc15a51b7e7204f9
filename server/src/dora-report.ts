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
  if (w.env !== null && !(await store.environments()).some((e) => e.name === w.env))
    throw notFound(`no deployment was ever recorded in environment "${w.env}"`);
  if (w.app !== null && (await store.app(w.app)) === null)
    throw notFound(`no deployment of app "${w.app}" was ever recorded`);
  const acc = new DoraAccumulator(w);
  let query: HistoryQuery = {
    ...(w.env === null ? {} : { env: w.env }),
    ...(w.app === null ? {} : { app: w.app }),
    since: w.since,
    until: w.until,
    limit: 1000,
  };
  for (;;) {
    const page = await store.events(query);
    for (const d of page.events) acc.add(d);
    if (page.next === null) return acc.report();
    query = { ...query, after: page.next };
  }
}
