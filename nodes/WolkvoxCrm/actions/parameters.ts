import type { IExecuteFunctions, NodeParameterValueType } from 'n8n-workflow';

/** Whether a raw parameter value holds an n8n expression anywhere (a string starting with "="). */
function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

/**
 * Reads node parameters for many items, evaluating per item only those that hold an
 * expression: a plain value is the same for every item, and n8n's per-item evaluation is what
 * costs time on 10,000 items.
 */
export class ParameterReader {
	private readonly plainValues = new Map<string, NodeParameterValueType | object>();

	constructor(private readonly context: IExecuteFunctions) {}

	get<T = unknown>(name: string, itemIndex: number, fallback?: unknown): T {
		const cached = this.plainValues.get(name);
		if (cached !== undefined) return cached as T;
		const value = this.context.getNodeParameter(name, itemIndex, fallback as NodeParameterValueType) as T;
		const raw = this.context.getNode().parameters[name];
		if (!holdsExpression(raw) && value !== undefined) this.plainValues.set(name, value as NodeParameterValueType);
		return value;
	}
}
