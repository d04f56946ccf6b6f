/** The official Temporal CLI (dev server + Web UI), built from its Go module, pinned. */
import { ensureGoBinary, type GoBinary } from './go-install.js';

/** The newest CLI `go install` accepts (later ones carry a `replace` directive); embeds server 1.29.1. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

const TEMPORAL_CLI: GoBinary = {
  label: 'Temporal CLI',
  pkg: 'github.com/temporalio/cli/cmd/temporal',
  version: TEMPORAL_CLI_VERSION,
  goName: 'temporal',
  name: 'temporal',
  pathVar: 'TEMPORAL_CLI_PATH',
  cache: { folder: 'temporal-cli', variable: 'TEMPORAL_CLI_CACHE' },
  ldflags: `-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION.slice(1)}`,
  tag: 'temporal',
};

/** The path of a usable `temporal` binary, building it when none exists. `say` narrates. */
export function ensureTemporalCli(say: (line: string) => void = (l) => console.error(l), env = process.env): Promise<string> {
  return ensureGoBinary(TEMPORAL_CLI, say, env);
}
