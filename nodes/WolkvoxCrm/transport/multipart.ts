/**
 * multipart/form-data for the two case endpoints the docs describe as form-data
 * (cases/insert.php, cases/update.php). Pure and dependency-free: text parts and file parts
 * become one Buffer body. The boundary is derived from the content, so the same parts always
 * give the same bytes (tests compare them exactly), and it never occurs inside the content.
 */

export interface FormPart {
	name: string;
	/** Text (sent as UTF-8) or the bytes of a file. */
	value: string | Buffer;
	/** Makes the part a file part. */
	fileName?: string;
	/** For file parts; default application/octet-stream. */
	contentType?: string;
}

export interface EncodedForm {
	body: Buffer;
	contentType: string;
}

const CRLF = '\r\n';

/** A header value in quotes: quotes and line breaks escaped as browsers do. */
function quoted(text: string): string {
	return `"${text.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
}

/** 32-bit FNV-1a over the bytes, from a given start value. */
function fnv1a(bytes: Buffer, start: number): number {
	let hash = start >>> 0;
	for (const byte of bytes) {
		hash ^= byte;
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash;
}

function partHead(part: FormPart): string {
	let head = `Content-Disposition: form-data; name=${quoted(part.name)}`;
	if (part.fileName !== undefined) {
		head += `; filename=${quoted(part.fileName)}${CRLF}Content-Type: ${part.contentType ?? 'application/octet-stream'}`;
	}
	return head;
}

/** The parts as one multipart/form-data body with the Content-Type header that goes with it. */
export function encodeMultipart(parts: FormPart[], boundary?: string): EncodedForm {
	const pieces = parts.map((part) => ({
		head: Buffer.from(partHead(part), 'utf8'),
		value: typeof part.value === 'string' ? Buffer.from(part.value, 'utf8') : part.value,
	}));
	const content = Buffer.concat(pieces.flatMap((piece) => [piece.head, piece.value]));
	let chosen = boundary;
	if (chosen === undefined) {
		const tag = `${fnv1a(content, 0x811c9dc5).toString(16).padStart(8, '0')}${fnv1a(content, 0x9e3779b9).toString(16).padStart(8, '0')}`;
		chosen = `----WolkvoxCrmFormBoundary${tag}`;
		for (let extra = 0; content.includes(chosen); extra++) chosen = `----WolkvoxCrmFormBoundary${tag}${extra}`;
	}
	const chunks: Buffer[] = [];
	for (const piece of pieces) {
		chunks.push(Buffer.from(`--${chosen}${CRLF}`, 'utf8'), piece.head, Buffer.from(CRLF + CRLF, 'utf8'), piece.value, Buffer.from(CRLF, 'utf8'));
	}
	chunks.push(Buffer.from(`--${chosen}--${CRLF}`, 'utf8'));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${chosen}` };
}
