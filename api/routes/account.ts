import { Router } from 'express';
import type { Tenancy } from '../use-cases/tenancy.js';
import { callOf } from '../context.js';

/** `GET /v1/balance`: the team's credits, read from its ledger workflow. */
export function accountRoutes(tenancy: Tenancy): Router {
  const router = Router();
  router.get('/v1/balance', async (_req, res) => {
    const team = await tenancy.team(callOf(res).teamId);
    res.json({ object: 'balance', credits: team.credits });
  });
  return router;
}
