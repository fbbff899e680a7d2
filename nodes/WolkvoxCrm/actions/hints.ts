import type { IExecuteFunctions } from 'n8n-workflow';

import { quotaComesBack, type RunStats } from '../transport';

/** Shown under the node's output; n8n versions without execution hints simply show nothing. */
export function addHint(this: IExecuteFunctions, message: string): void {
	this.addExecutionHints?.({ message, location: 'outputPane' });
}

/** What every run says about itself: the API calls it spent and the rate limits it met. */
export function addRunHints(this: IExecuteFunctions, stats: RunStats): void {
	if (stats.rateLimitedAnswers > 0) {
		const pace = stats.learnedPace === undefined ? '' : ` (it accepted about ${stats.learnedPace} per second)`;
		addHint.call(
			this,
			`The server answered ${stats.rateLimitedAnswers} request(s) with a rate limit${pace}; the node slowed down and retried them. Set Max Requests per Second in the node options to stay under the limit from the start.`,
		);
	}
	if (stats.dailyQuotaRefusal) {
		const notSent = stats.itemsNotSent.size;
		const refusal = stats.dailyQuotaRefusal;
		const answered = refusal.apiError ?? refusal.apiMessage ?? 'TOKEN LIMIT EXCEEDED';
		const words = `the token's daily quota of API calls ran out during this run (the API answered "${answered}"), and the node sends nothing more after that answer`;
		addHint.call(
			this,
			`${notSent > 0 ? `${notSent} item(s) were not sent: ${words}` : `${words[0].toUpperCase()}${words.slice(1)}`}. The quota comes back ${quotaComesBack(refusal)}; run the rest then, or use another token.`,
		);
	}
	if (stats.requestsSent > 0) {
		addHint.call(
			this,
			`This run made ${stats.requestsSent} API call(s), retries included; each counts against the token's daily quota (4,800 a day by default, see Token → Get Usage).`,
		);
	}
}

/** After one request per item for many items: how few requests Batch Across Items would need. */
export function suggestBatching(this: IExecuteFunctions, itemCount: number, batchedRequests: number): void {
	if (itemCount <= 20 || batchedRequests >= itemCount) return;
	addHint.call(
		this,
		`${itemCount} items were sent one request each. With Batch Across Items (in the node options) the same run needs about ${batchedRequests} request(s).`,
	);
}
