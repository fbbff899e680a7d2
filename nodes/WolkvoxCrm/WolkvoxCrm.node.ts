import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import * as activity from './actions/activity/Activity.resource';
import * as cases from './actions/case/Case.resource';
import * as record from './actions/record/Record.resource';
import { router } from './actions/router';
import { MAIN_CONNECTION } from './compat';
import { methods } from './methods';
import * as token from './actions/token/Token.resource';

export class WolkvoxCrm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Wolkvox CRM',
		name: 'wolkvoxCrm',
		icon: { light: 'file:wolkvoxCrm.svg', dark: 'file:wolkvoxCrm.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Act on records of wolkvox CRM',
		defaults: { name: 'Wolkvox CRM' },
		usableAsTool: true,
		inputs: [MAIN_CONNECTION],
		outputs: [MAIN_CONNECTION],
		credentials: [{ name: 'wolkvoxCrmApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Activity', value: 'activity' },
					{ name: 'Case', value: 'case' },
					{ name: 'Record', value: 'record' },
					{ name: 'Token', value: 'token' },
				],
				default: 'record',
			},
			...record.description,
			...token.description,
			...cases.description,
			...activity.description,
		],
	};

	methods = methods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
