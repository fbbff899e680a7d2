// @ts-check
'use strict';

/** token/tokenInformation.php?operation=op (GET): the token's daily quota; this call counts itself. */

const { hoursToMidnight, ok, required } = require('../util');
const { findOperation } = require('../records');

/** @type {import('./common').Endpoint} */
const tokenInformation = {
	method: 'GET',
	noJsonBody: true,
	handle({ query, store, quota }) {
		const op = query.get('operation');
		if (op === null || op === '') return required('Missing required parameter(s): operation');
		const o = findOperation(store, op);
		if ('error' in o) return o.error;
		return ok('200', '1 records were are found', {
			description: 'token',
			token_limit: quota.limit,
			token_use_today: quota.used,
			available_consumition_options: Math.max(0, quota.limit - quota.used),
			hours_to_reset: hoursToMidnight(),
		});
	},
};

module.exports = { tokenInformation };
