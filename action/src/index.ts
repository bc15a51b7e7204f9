// Entry of the bundled action (action/dist/index.js): only runs run().
import { run } from './main.js';

await run();
