/**
 * Every label the editor shows (parameter, option and collection entry display names) fits
 * n8n's parameter panel at its default width: longer ones are cut off.
 */
import type { INodeProperties, INodePropertyCollection } from 'n8n-workflow';

import { WolkvoxCrmApi } from '../credentials/WolkvoxCrmApi.credentials';
import { WolkvoxCrm } from '../nodes/WolkvoxCrm/WolkvoxCrm.node';
import { WolkvoxCrmTrigger } from '../nodes/WolkvoxCrmTrigger/WolkvoxCrmTrigger.node';

const LONGEST = 28;

/** The labels of these fields and of every field nested in them; a notice is full-width text, not a label. */
function labels(properties: readonly INodeProperties[]): string[] {
	return properties.flatMap((property) => {
		const own = property.type === 'notice' ? [] : [property.displayName];
		if (property.type === 'collection') return [...own, ...labels(property.options as INodeProperties[])];
		if (property.type === 'fixedCollection') {
			return [...own, ...(property.options as INodePropertyCollection[]).flatMap((group) => [group.displayName, ...labels(group.values)])];
		}
		return own;
	});
}

describe('editor labels', () => {
	test.each([
		['Wolkvox CRM', new WolkvoxCrm().description.properties],
		['Wolkvox CRM Trigger', new WolkvoxCrmTrigger().description.properties],
		['Wolkvox CRM API credential', new WolkvoxCrmApi().properties],
	])('%s: every field label has at most 28 characters', (_name, properties) => {
		const all = labels(properties);
		expect(all.length).toBeGreaterThanOrEqual(3);
		expect(all.filter((label) => label.length > LONGEST)).toStrictEqual([]);
	});

	test('the two labels that were cut off are shorter now', () => {
		const all = labels(new WolkvoxCrm().description.properties);
		expect(all).toContain('Max Retry Wait (Seconds)');
		expect(all).toContain('Binary Fields to Attach');
	});
});
