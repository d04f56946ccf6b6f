/**
 * An integrator's view of /openapi.json: the client openapi-typescript generates from the served
 * document type-checks a real script (test/fixtures/openapi-integrator.ts), which then drives the
 * image flow through openapi-fetch against a real stack.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { RATE_CARD } from '../../domain/pricing.js';
import { useStack } from '../support/stack.js';

const stack = useStack();

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'test/fixtures/openapi-integrator.ts');

/** The script's diagnostics under the project's compiler options, its `./aurous-api.js` taken from `generatedDir`. */
function typeCheck(generatedDir: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  assert.ok(config, 'tsconfig.json parses');
  // rootDirs merges the fixture's folder with the temp one, so the script's relative import finds the generated file.
  const options = { ...config.options, noEmit: true, rootDirs: [dirname(SCRIPT), generatedDir] };
  const program = ts.createProgram([SCRIPT, join(generatedDir, 'aurous-api.ts')], options);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

test('a client generated from /openapi.json type-checks an integrator script that estimates, submits, polls, lists and cancels images', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'aurous-client-'));
  try {
    const doc = (await stack.anonymous.get('/openapi.json')).body;
    await writeFile(join(dir, 'aurous-api.ts'), astToString(await openapiTS(doc)));
    assert.deepEqual(typeCheck(dir), []);

    // A variable specifier: the project's own tsc never follows into the script, whose types exist only here.
    const { imageFlow } = (await import(pathToFileURL(SCRIPT).href)) as { imageFlow: (baseUrl: string, apiKey: string) => Promise<any> };
    const { apiKey } = await stack.team(20);
    const result = await imageFlow(stack.baseUrl, apiKey);

    assert.deepEqual(result.pricing, RATE_CARD.image);
    assert.equal(result.estimate, 2 * RATE_CARD.image['4k']);
    assert.equal(result.plain.status, 'succeeded', JSON.stringify(result.plain));
    assert.equal(result.plain.inference_type, 't2i');
    assert.equal(result.plain.output_urls.length, 1);
    assert.equal(result.anchored.status, 'succeeded', JSON.stringify(result.anchored));
    assert.equal(result.anchored.inference_type, 'i2i');
    assert.deepEqual(result.listed, [result.anchored.id, result.plain.id], 'newest first');
    assert.deepEqual(result.cancelRefusal, { status: 400, code: 'generation_not_cancellable' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
