/**
 * An API process that is killed (SIGKILL) the moment Temporal has accepted a character Update,
 * before it can answer or record anything: the crash the idempotency tests recover from.
 */
import { startApiProcess } from '../../api/process.js';

const CHARACTER_UPDATES = new Set(['create', 'regenerateRef', 'resynthesize', 'save', 'update', 'delete']);

await startApiProcess({
  interceptors: [
    {
      async startUpdate(input, next) {
        const output = await next(input);
        if (CHARACTER_UPDATES.has(input.updateName)) process.kill(process.pid, 'SIGKILL');
        return output;
      },
      async startUpdateWithStart(input, next) {
        const output = await next(input);
        if (CHARACTER_UPDATES.has(input.updateName)) process.kill(process.pid, 'SIGKILL');
        return output;
      },
    },
  ],
});
