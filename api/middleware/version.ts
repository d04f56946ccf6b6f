/** `Aurous-Version`: the header, else the team's pin, else the system default; echoed on every response. */
import type { Request, RequestHandler, Response } from 'express';
import { DEFAULT_VERSION, VERSION_PATTERN, isSupportedVersion, supportedVersions } from '../../domain/versions.js';
import { localsOf } from '../context.js';
import { ApiError } from '../errors.js';

function apply(res: Response, version: string): void {
  localsOf(res).version = version;
  res.setHeader('Aurous-Version', version);
}

/** Checks the header's form before anything else, so even a 401 echoes a well-formed version. */
export const checkVersionHeader: RequestHandler = (req, res, next) => {
  const requested = req.get('Aurous-Version');
  if (requested === undefined) return next();
  if (!VERSION_PATTERN.test(requested)) {
    throw new ApiError(400, 'parameter_invalid', 'Aurous-Version must be a date in the form YYYY-MM-DD, e.g. 2026-05-15.', 'Aurous-Version');
  }
  if (!isSupportedVersion(requested)) {
    throw new ApiError(400, 'unknown_version', `Aurous-Version ${requested} is not supported. Supported versions: ${supportedVersions().join(', ')}.`, 'Aurous-Version');
  }
  apply(res, requested);
  next();
};

/** After authentication: the header wins, then the team's pin, then the default. */
export function resolveVersion(req: Request, res: Response, teamPin: string | null): void {
  const requested = req.get('Aurous-Version');
  apply(res, requested ?? (teamPin && isSupportedVersion(teamPin) ? teamPin : DEFAULT_VERSION));
}
