/**
 * Where a webhook may go: https only, never a private, loopback or link-local address, unless
 * the deployment allows them (local development). Checked at registration and again on the
 * address each delivery resolves and then connects to, so a DNS answer that changes between the
 * check and the connection (rebinding) cannot reach inside.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface ResolvedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface TargetRules {
  allowPrivate: boolean;
  lookup?: Lookup;
}

/** A refusal names the problem in words a client can act on. */
export class TargetRefused extends Error {}

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) INTERNAL.addSubnet(net, prefix, 'ipv6');

/** Private, loopback, link-local, multicast or otherwise not on the public internet (IPv4-mapped IPv6 included). */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Parses, checks and resolves `raw`; the address returned is the one to connect to. */
export async function resolveTarget(raw: string, rules: TargetRules): Promise<ResolvedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefused('url is not a valid URL.');
  }
  const allowed = rules.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!allowed.includes(url.protocol)) throw new TargetRefused(`url must use https (got ${url.protocol.replace(':', '')}).`);
  if (url.username || url.password) throw new TargetRefused('url must not contain credentials.');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let answers: { address: string; family: number }[];
  try {
    answers = isIP(host) ? [{ address: host, family: isIP(host) }] : await (rules.lookup ?? systemLookup)(host);
  } catch {
    throw new TargetRefused(`url's host ${host} does not resolve.`);
  }
  if (answers.length === 0) throw new TargetRefused(`url's host ${host} does not resolve.`);
  // Every answer must be public: a client may connect to any of them.
  const internal = answers.find((a) => isInternalAddress(a.address));
  if (internal && !rules.allowPrivate) throw new TargetRefused(`url resolves to a private, loopback or link-local address (${internal.address}); webhooks go to public https addresses only.`);
  const first = answers[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
