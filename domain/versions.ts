/**
 * API versions: the only place that knows which `Aurous-Version` values exist. Adding a version is
 * adding a row here (and, when behaviour differs, reading `aurous_version` where it differs).
 */
export const DEFAULT_VERSION = '2026-05-15';
export const VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const supported = new Set<string>([DEFAULT_VERSION]);

export function isSupportedVersion(version: string): boolean {
  return supported.has(version);
}

export function supportedVersions(): string[] {
  return [...supported].sort();
}

/** Registers another version; tests use it to prove a second version is one change. */
export function addSupportedVersion(version: string): void {
  if (!VERSION_PATTERN.test(version)) throw new Error(`bad version ${version}`);
  supported.add(version);
}
