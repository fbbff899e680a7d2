/**
 * The token's daily quota: asking for the usage, and the guard that stops a run before it
 * sends anything when its requests do not fit in what is left today.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { callsLeft, readTokenUsage, whenQuotaRestarts, type TokenUsage } from '../helpers/usage';
import { apiRequest, type Connection } from '../transport';
import type { WolkvoxEnvelope } from '../transport/envelope';

export const USAGE_ENDPOINT = 'token/tokenInformation.php';

/** The option operations that may send many requests put into their Options. */
export const quotaGuardOption: INodeProperties = {
	displayName: 'Check Daily Quota First',
	name: 'quotaGuard',
	type: 'boolean',
	default: false,
	description:
		'Whether to ask the API for the token\'s daily usage before sending anything (this costs one call of the quota) and stop the run, with nothing sent, when its requests do not fit in what is left today',
};

/** One call of token/tokenInformation.php (it uses one unit of the quota itself). */
export async function fetchTokenUsage(
	this: IExecuteFunctions,
	connection: Connection,
	crmOperation: string,
	itemIndex: number,
): Promise<{ usage: TokenUsage; answer: WolkvoxEnvelope }> {
	const answer = await apiRequest.call(
		this,
		connection,
		{ method: 'GET', endpoint: USAGE_ENDPOINT, qs: { operation: crmOperation } },
		itemIndex,
	);
	return { usage: readTokenUsage(answer.data), answer };
}

export interface QuotaPlan {
	/** Any CRM operation of the token: the usage call needs one. */
	crmOperation: string;
	/** API calls the run is going to send. */
	needed: number;
	/** The item errors are reported on. */
	itemIndex: number;
}

/**
 * Asks for the usage once and throws, before the run sends anything else, when `needed`
 * calls do not fit in what is left today. Returns the usage when they do.
 */
export async function ensureQuota(
	context: IExecuteFunctions,
	connection: Connection,
	{ crmOperation, needed, itemIndex }: QuotaPlan,
): Promise<TokenUsage> {
	const { usage } = await fetchTokenUsage.call(context, connection, crmOperation, itemIndex);
	const left = callsLeft(usage);
	if (left === null) {
		throw new NodeOperationError(context.getNode(), 'The API did not say how many calls the token has left today', {
			itemIndex,
			description: `Item ${itemIndex}: Check Daily Quota First asked token/tokenInformation.php for the usage, but its answer held neither available_consumition_options nor token_limit and token_use_today, so the run was not checked and nothing else was sent. Turn the option off to run without the check.`,
		});
	}
	if (needed > left) {
		throw new NodeOperationError(
			context.getNode(),
			`This run needs ${needed} API call(s), but the token has only ${left} left today`,
			{
				itemIndex,
				description: `Item ${itemIndex}: nothing was sent (Check Daily Quota First used one call to ask for the usage). The quota comes back ${whenQuotaRestarts(usage.hoursUntilReset)}. Run again then, or split the input so that a run needs at most ${left} call(s).`,
			},
		);
	}
	return usage;
}

/** ensureQuota when the operation's options ask for it (Check Daily Quota First) and anything is to be sent. */
export async function checkQuotaIfAsked(
	context: IExecuteFunctions,
	connection: Connection,
	options: IDataObject,
	plan: QuotaPlan,
): Promise<void> {
	if (options.quotaGuard !== true || plan.needed <= 0) return;
	await ensureQuota(context, connection, plan);
}

/** Check Daily Quota First for a run whose number of calls is known up front. */
export async function guardQuota(
	context: IExecuteFunctions,
	connection: Connection,
	options: IDataObject,
	crmOperation: () => string,
	needed: number,
): Promise<void> {
	if (options.quotaGuard !== true || needed <= 0) return;
	await checkQuotaIfAsked(context, connection, options, { crmOperation: crmOperation(), needed, itemIndex: 0 });
}
