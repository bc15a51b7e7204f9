/** The app over a real SQLite file, listening on 127.0.0.1 for clients that are real processes. */
import { afterAll, beforeAll } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { testApp, type TestApp } from './app.js';
import { removeTempDirs } from './tmp.js';

export interface Listening extends TestApp {
  port: number;
  url: string;
  close: () => Promise<void>;
}

export function listen(server: Server | HttpsServer): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export function closeServer(server: Server | HttpsServer): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function listenApp(env: Record<string, string> = {}): Promise<Listening> {
  const test = await testApp(env);
  const server = createServer(test.callback);
  const port = await listen(server);
  return {
    ...test,
    port,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await closeServer(server);
      await test.store.close();
    },
  };
}

/**
 * One listening app for a test file: started before its tests, closed (and
 * the temporary files removed) after them. Call the returned getter inside tests.
 */
export function useListeningApp(env: Record<string, string> = {}): () => Listening {
  let svt: Listening | undefined;
  beforeAll(async () => {
    svt = await listenApp(env);
  });
  afterAll(async () => {
    await svt?.close();
    removeTempDirs();
  });
  return () => {
    if (svt === undefined) throw new Error('the app is started in beforeAll: use it inside a test');
    return svt;
  };
}
