/**
 * `npm run build:workflows`: bundles workflows/ once into dist/workflow-bundle.js. A worker given
 * WORKFLOW_BUNDLE=dist/workflow-bundle.js starts without running webpack (faster, less memory).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../worker/create-worker.js';

const out = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath() });
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, code);
console.log(`workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KB)`);
