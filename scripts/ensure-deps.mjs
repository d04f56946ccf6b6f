// Installs the locked dependencies when they are missing or older than package-lock.json, so
// `npm start` and `npm test` work on a fresh clone. Plain JavaScript: it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const mtime = (path) => {
  try {
    return statSync(new URL(path, `file://${root}/`)).mtimeMs;
  } catch {
    return 0;
  }
};
if (mtime('node_modules/.package-lock.json') < mtime('package-lock.json')) {
  console.log('[deps] installing the locked npm dependencies (npm ci)');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
