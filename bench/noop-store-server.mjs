// A third baseline: SVT exactly as shipped (config, logging, metrics, auth,
// rate limit, validation, every middleware and route) but with a store whose
// record() commits nothing and answers at once, as if storage were free.
// Its rate is the ceiling of the HTTP stack alone: how close to the bare Koa
// route SVT could get with any storage design. Reads and tokens still go to
// a real SQLite file (SVT_DB). Prints its port, as the SVT server does.
import { parseConfig } from '../server/dist/config.js';
import { createLogger } from '../server/dist/logger.js';
import { startServer } from '../server/dist/server.js';
import { deploymentOf } from '../server/dist/store/shared.js';
import { createStore } from '../server/dist/store/index.js';

const config = parseConfig(process.env);
const logger = createLogger(config.logLevel);
const real = await createStore(config);
// The SQLite store hands the HTTP thread JSON texts its writer thread built,
// and nearly every benchmark write has a previous deployment: one such
// answer, built once, stands for all, so that this thread does what SVT's
// HTTP thread does, no more (building it per request cost 7 us here).
let answer = null;
const store = new Proxy(real, {
  get(target, name, receiver) {
    if (name !== 'record') return Reflect.get(target, name, receiver);
    return async (input) => {
      if (answer === null) {
        const deployment = deploymentOf(
          input,
          '01NOOP0000000000000000000',
          Date.now(),
          null,
          false,
        );
        const text = JSON.stringify(deployment);
        answer = {
          deployment,
          previous: deployment,
          current: true,
          currentDeployment: null,
          firstInEnv: false,
          replayed: false,
          responseJson: `{"deployment":${text},"previous":${text},"current":true}`,
        };
      }
      return answer;
    };
  },
});
const running = await startServer(config, store, logger);
// The port, whatever SVT_LOG_LEVEL hides (an A/B of log levels needs it).
console.log(JSON.stringify({ port: running.port }));
process.on('SIGTERM', () => void running.stop('SIGTERM').then(() => process.exit(0)));
