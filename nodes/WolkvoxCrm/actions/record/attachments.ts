/**
 * Update's attachments: the item's n8n binary properties named by the user, as the base64
 * strings custom/update.php takes, with the size limit checked before anything is sent.
 */
import type { IBinaryData, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

const BYTES_PER_MB = 1024 * 1024;
export const DEFAULT_MAX_ATTACHMENT_MB = 10;

export const attachmentOptions: INodeProperties[] = [
	{
		displayName: 'Binary Fields to Attach',
		name: 'attachmentProperties',
		type: 'string',
		default: '',
		placeholder: 'data, invoice',
		description:
			'Names of binary fields (binary properties) of the input item to attach to the record, separated by commas. Each file is sent base64-encoded in the attachments list.',
	},
	{
		displayName: 'Max Attachment Size (MB)',
		name: 'maxAttachmentMb',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_MAX_ATTACHMENT_MB,
		description:
			'The largest file that may be attached (1 MB = 1,048,576 bytes; base64 makes the request about a third larger). A larger file fails its item before anything is sent. 0 = no limit.',
	},
];

function sizeText(bytes: number): string {
	return `${(bytes / BYTES_PER_MB).toFixed(1)} MB, ${bytes.toLocaleString('en-US')} bytes`;
}

/** The size n8n knows without loading the file, if it knows one. */
async function knownSize(this: IExecuteFunctions, binary: IBinaryData): Promise<number | undefined> {
	if (typeof binary.bytes === 'number') return binary.bytes;
	if (binary.id) {
		const metadata = await this.helpers.getBinaryMetadata?.(binary.id);
		return typeof metadata?.fileSize === 'number' ? metadata.fileSize : undefined;
	}
	// Kept in memory as base64: four characters carry three bytes.
	const base64 = binary.data ?? '';
	return Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
}

/** The base64 of each named binary property of the item, in the order named. */
export async function readAttachments(
	this: IExecuteFunctions,
	itemIndex: number,
	propertyNames: unknown,
	maxMb: unknown,
): Promise<string[]> {
	const names = (typeof propertyNames === 'string' ? propertyNames : '')
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
	const limitMb = Number(maxMb);
	const maxBytes = Number.isFinite(limitMb) && limitMb > 0 ? limitMb * BYTES_PER_MB : Infinity;

	const tooLarge = (name: string, bytes: number) =>
		new NodeOperationError(this.getNode(), `The attachment "${name}" is too large (${sizeText(bytes)})`, {
			itemIndex,
			description: `Item ${itemIndex}: the binary property "${name}" is ${sizeText(bytes)}, more than Max Attachment Size (${String(limitMb)} MB). Nothing was sent for this item. Attach a smaller file, or raise Max Attachment Size if your CRM accepts larger files.`,
		});

	const attachments: string[] = [];
	for (const name of names) {
		let binary: IBinaryData;
		try {
			binary = this.helpers.assertBinaryData(itemIndex, name);
		} catch {
			throw new NodeOperationError(this.getNode(), `The input item has no binary property "${name}"`, {
				itemIndex,
				description: `Item ${itemIndex}: Binary Fields to Attach names "${name}", but this item has no such file. Check the name (it is case-sensitive) against the Binary tab of the input.`,
			});
		}
		const size = await knownSize.call(this, binary);
		if (size !== undefined && size > maxBytes) throw tooLarge(name, size);
		const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, name);
		if (buffer.length > maxBytes) throw tooLarge(name, buffer.length);
		attachments.push(buffer.toString('base64'));
	}
	return attachments;
}
