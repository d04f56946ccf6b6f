/** Workflow time. Inside a workflow the SDK makes `Date` deterministic: it reads the task's time, replayed identically. */
export function nowMs(): number {
  return new Date().getTime();
}

export function nowIso(): string {
  return new Date().toISOString();
}
