/** Prints the path of the Temporal CLI, building it first if needed: `npm run temporal:cli`. */
import { ensureTemporalCli } from './temporal/cli.js';

try {
  console.log(await ensureTemporalCli());
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
