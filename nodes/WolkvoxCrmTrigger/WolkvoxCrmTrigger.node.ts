import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import {
	crmOperationField,
	maxRecordsPerAnswerOption,
	moduleFields,
	optionsField,
	requestOptions,
	simplifyField,
} from '../WolkvoxCrm/actions/record/common.fields';
import { searchModules } from '../WolkvoxCrm/methods/modules';
import { MAIN_CONNECTION } from '../WolkvoxCrm/compat';
import { pollNewRecords } from './poll';

export class WolkvoxCrmTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Wolkvox CRM Trigger',
		name: 'wolkvoxCrmTrigger',
		icon: { light: 'file:wolkvoxCrmTrigger.svg', dark: 'file:wolkvoxCrmTrigger.dark.svg' },
		group: ['trigger'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ "New record in " + ($parameter["module"].value ?? $parameter["module"]) }}',
		description: 'Starts the workflow when records are created in a wolkvox CRM module',
		defaults: { name: 'Wolkvox CRM Trigger' },
		polling: true,
		inputs: [],
		outputs: [MAIN_CONNECTION],
		credentials: [{ name: 'wolkvoxCrmApi', required: true }],
		properties: [
			{
				displayName:
					'Each poll spends at least one API call of the token\'s daily quota: polling every minute uses 1,440 calls a day (of e.g. 4,800), every 5 minutes 288. Choose the interval under Poll Times.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			crmOperationField,
			// Version 2: the module from a list or by name (version 1 keeps its text field).
			...moduleFields(),
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'New Record',
						value: 'newRecord',
						description: 'A record was created in the module (by its creation time, wolkvox_fecha_creacion)',
					},
				],
				default: 'newRecord',
			},
			simplifyField,
			optionsField([
					maxRecordsPerAnswerOption,
					...requestOptions,
				]),
		],
	};

	methods = { listSearch: { searchModules } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollNewRecords.call(this);
	}
}
