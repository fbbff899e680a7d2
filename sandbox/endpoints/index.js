// @ts-check
'use strict';

/** The sandbox's routes: a path under /server/API/v2/ → its endpoint (one file each in this folder). */

const { caseRoutes } = require('./cases');
const { deleteRecords } = require('./delete');
const { insert, insertMany } = require('./insert');
const { query, queryDates } = require('./query');
const { tokenInformation } = require('./token');
const { update, updateMany } = require('./update');

/** @type {Record<string, import('./common').Endpoint>} path under /server/API/v2/ → endpoint */
const ROUTES = {
	'custom/delete.php': deleteRecords,
	'custom/query.php': query,
	'custom/queryDates.php': queryDates,
	'custom/insert.php': insert,
	'custom/insertMany.php': insertMany,
	'custom/update.php': update,
	'custom/updateMany.php': updateMany,
	'token/tokenInformation.php': tokenInformation,
	...caseRoutes,
};

module.exports = { ROUTES };
