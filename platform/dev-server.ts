/** The dev-server flags this project relies on, shared by the start command and the tests. */
export function devServerDynamicConfig(extra: Record<string, string | number | boolean> = {}): string[] {
  const values: Record<string, string | number | boolean> = {
    // Update-with-start (the create route) is a multi-operation.
    'frontend.enableExecuteMultiOperation': true,
    ...extra,
  };
  return Object.entries(values).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]);
}
