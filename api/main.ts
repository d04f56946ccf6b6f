/** An API process: `npm run api`. Stateless: run as many replicas as the load needs. */
import { startApiProcess } from './process.js';

await startApiProcess();
