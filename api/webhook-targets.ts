/** Registration's check of a webhook URL (an endpoint's `url`, a generation's `webhook_url`), as the contract's 400. */
import { TargetRefused, type TargetRules, resolveTarget } from '../activities/webhooks/targets.js';
import { ApiError } from './errors.js';

export async function checkWebhookUrl(url: string, rules: TargetRules, param: string): Promise<void> {
  try {
    await resolveTarget(url, rules);
  } catch (err) {
    if (err instanceof TargetRefused) throw new ApiError(400, 'parameter_invalid', `${param}: ${err.message.replace(/^url:? ?/, '')}`, param);
    throw err;
  }
}
