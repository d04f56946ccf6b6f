/**
 * The review console in a real browser (Debian's Chromium via playwright-core), against a real
 * stack: a person signs in, creates a character, watches it synthesize, regenerates one pose,
 * approves it, tries it in an image generation, and deletes it. Every page passes an axe-core scan;
 * the screenshots in results/ are taken here.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BuiltInRenderer, renderPose } from '../../activities/inference/renderer.js';
import type { Locator } from 'playwright-core';
import { type Browser, assertAccessible, eventually, openBrowser, screenshot } from '../support/browser.js';
import { useStack } from '../support/stack.js';
import type { ApiClient } from '../support/http.js';

// Slow enough to watch a pose in progress, fast enough for a test.
const RENDERER = new BuiltInRenderer({ latencyMs: 1500, transientFailureRate: 0, permanentFailureRate: 0, hangRate: 0, size: 320 });

let apiKey = '';
let api: ApiClient;
const stack = useStack({ backend: RENDERER }, async (s) => {
  ({ apiKey, api } = await s.team(100));
  // A list worth looking at: one character already approved, one waiting for review.
  const made = await Promise.all([
    api.post('/v1/characters', { name: 'Mara Quill', generate: true, attributes: { hair_color: 'red', eye_color: 'green', hair_style: 'long wavy' } }),
    api.post('/v1/characters', { name: 'Tobias Renn', generate: true, attributes: { hair_color: 'black', hair_style: 'short', body_type: 'broad' } }),
  ]);
  await waitFor(() => Promise.all(made.map((m) => api.get(`/v1/characters/${m.body.id}`))).then((all) => all.every((c) => c.body.status === 'reviewing')));
  await api.post(`/v1/characters/${made[0]!.body.id}/save`, {});
});

let browser: Browser;
before(async () => {
  browser = await openBrowser();
});
after(() => browser?.close());

async function waitFor(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const text = (locator: Locator, expected: string | RegExp, ms?: number) =>
  eventually(async () => {
    const actual = (await locator.textContent()) ?? '';
    if (typeof expected === 'string') assert.equal(actual.trim(), expected);
    else assert.match(actual, expected);
  }, ms);
const count = (locator: Locator, n: number, ms?: number) => eventually(async () => assert.equal(await locator.count(), n), ms);
const texts = (locator: Locator, expected: string[]) => eventually(async () => assert.deepEqual(await locator.allTextContents(), expected));
const contains = (locator: Locator, part: string, ms?: number) => eventually(async () => assert.ok(((await locator.textContent()) ?? '').includes(part), `has “${part}”`), ms);
const page = () => browser.page;
/** The pose images' files (signed URLs differ on every read; the file path does not). */
const poseFiles = () => page().$$eval('figure.pose img', (imgs) => Object.fromEntries(imgs.map((i) => [i.closest('figure')!.dataset.pose, new URL((i as HTMLImageElement).src).pathname])));
let characterUrl = '';

test('the console is served with a strict CSP, long-cached versioned assets, and no CDN', async () => {
  const response = await page().goto(`${stack.baseUrl}/console`);
  const csp = response!.headers()['content-security-policy']!;
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const scripts = await page().$$eval('script[src], link[rel=stylesheet]', (els) => els.map((e) => (e as HTMLScriptElement).src || (e as HTMLLinkElement).href));
  for (const url of scripts) {
    assert.ok(url.startsWith(`${stack.baseUrl}/console/`), `${url} is served by the API`);
    const asset = await fetch(url);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  }
});

test('a wrong key is refused with the contract message, and signing in keeps the key out of URLs and cookies', async () => {
  await assertAccessible(page(), 'sign-in page');
  await page().getByLabel('API key').fill('al_live_wrong');
  await page().keyboard.press('Enter');
  await text(page().locator('section p.error'), /API key/i);

  await page().getByLabel('API key').fill(apiKey);
  await page().keyboard.press('Enter');
  await text(page().locator('#balance'), /credits/);
  assert.ok(!page().url().includes(apiKey));
  assert.deepEqual(await browser.context.cookies(), []);
  assert.equal(await page().evaluate(() => sessionStorage.getItem('aurous.apiKey')), apiKey);
});

test('the list shows the team’s characters newest first with their status, and filters by status', async () => {
  await count(page().locator('li.character'), 2);
  await texts(page().locator('li.character .name'), ['Tobias Renn', 'Mara Quill']);
  await page().getByLabel('Status').selectOption('ready');
  await texts(page().locator('li.character .name'), ['Mara Quill']);
  await page().getByLabel('Status').selectOption('');
  await count(page().locator('li.character'), 2);
  await assertAccessible(page(), 'character list');
});

test('create by synthesis, and watch the poses finish', async () => {
  await page().getByRole('link', { name: 'New character' }).click();
  await assertAccessible(page(), 'new character page');
  await page().getByLabel('Name', { exact: true }).first().fill('Aurora Vale');
  await page().locator('#new-hair_color').fill('silver');
  await page().locator('#new-eye_color').fill('blue');
  await page().locator('#new-hair_style').fill('long straight');
  await page().getByRole('button', { name: 'Synthesize character' }).click();

  await text(page().locator('.heading .status'), 'synthesizing');
  await count(page().locator('figure.pose[aria-busy=true]'), 4);
  await text(page().locator('.heading .status'), 'reviewing', 20_000);
  await count(page().locator('figure.pose[aria-busy=true]'), 0);
  await waitFor(() => page().$$eval('figure.pose img', (imgs) => imgs.length === 4 && imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0)));
  characterUrl = page().url();
  await contains(page().locator('ol.timeline'), 'Credits debited');
  await assertAccessible(page(), 'character under review');
  await screenshot(page(), 'console-review.png');
});

test('regenerate one pose: only that pose is in progress, and only its image changes', async () => {
  const before = await poseFiles();
  const side = page().locator('figure.pose[data-pose=side]');
  await side.getByLabel('Prompt override for side').fill('looking over the shoulder');
  await side.getByRole('button', { name: 'Regenerate' }).click();
  await eventually(async () => assert.equal(await side.getAttribute('aria-busy'), 'true'));
  await count(page().locator('figure.pose[aria-busy=true]'), 1);
  await text(page().locator('.heading .status'), 'reviewing', 20_000);
  await waitFor(async () => (await poseFiles()).side !== before.side);
  const after = await poseFiles();
  for (const pose of ['portrait', 'front', 'back']) assert.equal(after[pose], before[pose], `${pose} kept its image`);
  await contains(page().locator('ol.timeline'), 'looking over the shoulder');
});

test('approve makes the character ready', async () => {
  await page().getByRole('button', { name: 'Approve' }).click();
  await text(page().locator('.heading .status'), 'ready');
  await contains(page().locator('ol.timeline li').first(), 'Approved');
});

test('rename and edit attributes', async () => {
  await page().getByText('Rename or edit attributes').click();
  await page().locator('#edit-name').fill('Aurora Vale II');
  await page().locator('#edit-age').fill('31');
  await page().getByRole('button', { name: 'Save changes' }).click();
  await text(page().locator('.heading h1'), 'Aurora Vale II');
  const id = characterUrl.split('/').at(-1)!;
  assert.deepEqual((await api.get(`/v1/characters/${id}`)).body.attributes, { hair_color: 'silver', eye_color: 'blue', hair_style: 'long straight', age: 31 });
});

test('the list, with the new character first', async () => {
  await page().getByRole('link', { name: 'Aurous console' }).click();
  await text(page().locator('li.character .name').first(), 'Aurora Vale II');
  await waitFor(() => page().$$eval('li.character img', (imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0)));
  await screenshot(page(), 'console-list.png');
});

test('try it: the estimate before submitting, the outputs when they finish, and cancel', async () => {
  await page().goto(characterUrl);
  await page().getByRole('link', { name: 'Try it' }).click();
  await page().getByLabel('Prompt', { exact: true }).fill('on a beach at sunset, waves behind');
  await page().getByLabel('Size', { exact: true }).selectOption('2k_16_9');
  await page().getByLabel('Count', { exact: true }).selectOption('2');
  await page().getByLabel('Seed', { exact: true }).fill('42');
  await text(page().locator('#try-estimate'), 'Estimated cost: 2 credits');
  await assertAccessible(page(), 'playground');
  const balance = await page().locator('#balance').textContent();

  await page().getByRole('button', { name: 'Generate' }).click();
  await contains(page().locator('.status-line'), 'succeeded', 20_000);
  await waitFor(() => page().$$eval('.outputs img', (imgs) => imgs.length === 2 && imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0)));
  await eventually(async () => assert.notEqual(await page().locator('#balance').textContent(), balance));
  await screenshot(page(), 'console-playground.png', true);
  await assertAccessible(page(), 'playground with outputs');

  await page().getByLabel('Count', { exact: true }).selectOption('4');
  await page().getByRole('button', { name: 'Generate' }).click();
  await page().getByRole('button', { name: 'Cancel' }).click();
  await contains(page().locator('.status-line'), 'cancelled');
});

test('readable at 375 px: nothing wider than the screen', async () => {
  await page().setViewportSize({ width: 375, height: 800 });
  for (const url of [characterUrl, `${stack.baseUrl}/console#/`, `${stack.baseUrl}/console#/new`]) {
    await page().goto(url);
    await page().locator('main h1').first().waitFor();
    assert.ok(await page().evaluate(() => document.documentElement.scrollWidth <= 375), `${url} fits 375 px`);
  }
  await page().setViewportSize({ width: 1280, height: 860 });
});

test('create from dropped images through the upload flow', async () => {
  await page().goto(`${stack.baseUrl}/console#/new`);
  await page().getByLabel('Name', { exact: true }).nth(1).fill('Uploaded Ines');
  const png = renderPose({ hair_color: 'brown' }, 'front', 7, 256);
  await page().locator('#upload-files').setInputFiles({ name: 'front.png', mimeType: 'image/png', buffer: png });
  await page().getByRole('button', { name: 'Create from images' }).click();
  await text(page().locator('.heading .status'), 'ready');
  await count(page().locator('figure.pose'), 1);
});

test('delete with confirmation removes the character from the list', async () => {
  await page().goto(characterUrl);
  await page().getByRole('button', { name: 'Delete…' }).click();
  await page().getByRole('dialog').waitFor();
  await assertAccessible(page(), 'delete confirmation');
  await page().getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await count(page().locator('li.character'), 3);
  assert.ok(!(await page().locator('li.character .name').allTextContents()).includes('Aurora Vale II'));
});

test('the page logged no error (no CSP violation, no uncaught exception)', () => {
  assert.deepEqual(browser.errors, []);
});
