/**
 * Property-based tests (fast-check) for the delete rules: confirmedIds (which of the ids sent a
 * success answer confirms), and Batch Across Items reading the same answer the same way.
 */
import fc from 'fast-check';

import { confirmedIds, deleteBatchOperation } from '../nodes/WolkvoxCrm/actions/record/delete.results';
import { idArb } from './helpers/recordIdArbs';

/** Ids as the parser returns them; a small pool of short ones makes repeats and overlaps likely. */
const sentIdArb = fc.oneof(fc.constantFrom('a', 'b', 'c', 'd'), idArb);

/** What a success answer may list: ids sent (maybe padded), other ids, blanks, in the shapes the API may use. */
const answerArb = fc
	.array(sentIdArb, { minLength: 1, maxLength: 20 })
	.chain((sent) =>
		fc.record({
			sent: fc.constant(sent),
			listed: fc.array(
				fc.oneof(
					fc.constantFrom(...sent),
					fc.constantFrom(...sent).map((id) => ` ${id}\t`),
					sentIdArb,
					fc.constantFrom('', ' ', '\n'),
				),
				{ maxLength: 25 },
			),
			shape: fc.constantFrom('list', 'string', 'records', 'no data', 'null data', 'list of blanks'),
			code: fc.constantFrom(200, '200'),
		}),
	);

function envelopeOf({ listed, shape, code }: { listed: string[]; shape: string; code: number | string }) {
	const base = { code, error: 'null', msg: 'Have been succesfully removed' };
	switch (shape) {
		case 'list':
			return { ...base, data: { wolkvox_id: listed } };
		case 'string':
			return { ...base, data: { wolkvox_id: listed[0] ?? '' } };
		case 'records':
			return { ...base, data: listed.map((id) => ({ wolkvox_id: id })) };
		case 'null data':
			return { ...base, data: null };
		case 'list of blanks':
			return { ...base, data: { wolkvox_id: listed.map(() => '') } };
		default:
			return base;
	}
}

/** The ids an envelope of that shape really lists (blanks name nothing; padding is not part of an id). */
function listedBy({ listed, shape }: { listed: string[]; shape: string }): Set<string> {
	const named = shape === 'list' || shape === 'records' ? listed : shape === 'string' ? listed.slice(0, 1) : [];
	return new Set(named.map((id) => id.trim()).filter((id) => id !== ''));
}

describe('confirmedIds (the delete rules): properties', () => {
	it('removed and not removed split the ids sent: each id sent is in exactly one, in the order sent', () => {
		fc.assert(
			fc.property(answerArb, (answer) => {
				const { removed, notRemoved } = confirmedIds(answer.sent, envelopeOf(answer));
				const listed = listedBy(answer);
				const said = (id: string) => (listed.size === 0 || listed.has(id) ? removed : notRemoved);
				// Each occurrence of an id sent, in order, is consumed from the side the rule puts it on.
				const left = { removed: [...removed], notRemoved: [...notRemoved] };
				for (const id of answer.sent) {
					const side = said(id) === removed ? left.removed : left.notRemoved;
					expect(side.shift()).toBe(id);
				}
				expect(left).toStrictEqual({ removed: [], notRemoved: [] });
			}),
			{ numRuns: 500 },
		);
	});

	it('when the answer lists any id, only listed ids are removed and every listed id sent is removed; when it lists none, all are', () => {
		fc.assert(
			fc.property(answerArb, (answer) => {
				const { removed, notRemoved } = confirmedIds(answer.sent, envelopeOf(answer));
				const listed = listedBy(answer);
				if (listed.size === 0) {
					expect(removed).toStrictEqual(answer.sent);
					expect(notRemoved).toStrictEqual([]);
				} else {
					expect(removed.filter((id) => !listed.has(id))).toStrictEqual([]);
					expect(notRemoved.filter((id) => listed.has(id))).toStrictEqual([]);
				}
			}),
			{ numRuns: 500 },
		);
	});

	it('Batch Across Items reads the same answer the same way: done exactly for the removed ids, a reason for the others', () => {
		fc.assert(
			fc.property(answerArb, (answer) => {
				const envelope = envelopeOf(answer);
				const { removed } = confirmedIds(answer.sent, envelope);
				const readings = deleteBatchOperation.readSuccess(answer.sent, envelope);
				expect(readings).toHaveLength(answer.sent.length);
				expect(answer.sent.filter((_, index) => readings[index].done)).toStrictEqual(removed);
				const reasons = readings.filter((reading) => !reading.done).map((reading) => !reading.done && reading.reason);
				expect(reasons.every((reason) => typeof reason === 'string' && reason.includes('did not list'))).toBe(true);
			}),
			{ numRuns: 300 },
		);
	});
});
