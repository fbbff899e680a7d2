/** Workflows for the Case, Activity and Record → Get operations, run against the sandbox or nock. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { startSandbox } from '../../sandbox/server';
import { deleteWorkflow, run, type InputItem } from './node';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
type OnError = Parameters<typeof deleteWorkflow>[2];

// ids from sandbox/seed.json, operation "demo"
export const CASE1 = '6570a1b2c3d4e5f601234561';
export const CASE2 = '6570a1b2c3d4e5f601234562';
export const CASE3 = '6570a1b2c3d4e5f601234563';
export const CONTACT1 = '647f8371e5c917f858c55c2c';
export const CONTACT2 = '64b7ef5c1573221af8ba34d7';
export const CASES_PATH = '/server/API/v2/cases/';

/** Manual Trigger (items pinned) → Wolkvox CRM with exactly these parameters. */
export function nodeWorkflow(parameters: Record<string, unknown>, items: InputItem[] = [{ json: {} }], onError: OnError = 'stopWorkflow') {
	const workflow = deleteWorkflow({}, [], onError);
	workflow.nodes[1].parameters = parameters as never;
	return { ...workflow, pinData: { 'When clicking Execute': items as never } };
}

export const sandboxCredentials = (sandbox: Sandbox, token = sandbox.token): ICredentialDataDecryptedObject => ({
	server: sandbox.url,
	token,
	crmOperation: 'demo',
});

export async function runOn(sandbox: Sandbox, parameters: Record<string, unknown>, items?: InputItem[], onError?: OnError, token?: string) {
	return await run(nodeWorkflow(parameters, items, onError), sandboxCredentials(sandbox, token));
}

/** The paths the sandbox received, in order, without the API prefix. */
export const pathsOf = (sandbox: Sandbox) => sandbox.log.map((entry: { path: string }) => entry.path.replace('/server/API/v2/', ''));
