import { encodeMultipart } from '../nodes/WolkvoxCrm/transport/multipart';

describe('multipart/form-data encoding', () => {
	test('text and file parts, byte for byte, with the given boundary', () => {
		const { body, contentType } = encodeMultipart(
			[
				{ name: 'operation', value: 'demo' },
				{ name: 'form', value: '{"Canal":"Teléfono"}' },
				{ name: 'file', value: Buffer.from([0, 255, 13, 10]), fileName: 'a "b".bin' },
			],
			'XyZ',
		);
		expect(contentType).toBe('multipart/form-data; boundary=XyZ');
		const expected = Buffer.concat([
			Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="operation"\r\n\r\ndemo\r\n'),
			Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="form"\r\n\r\n{"Canal":"Teléfono"}\r\n', 'utf8'),
			Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a %22b%22.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'),
			Buffer.from([0, 255, 13, 10]),
			Buffer.from('\r\n--XyZ--\r\n'),
		]);
		expect(body.equals(expected)).toBe(true);
	});

	test('the chosen boundary is the same for the same parts, differs for others, and never occurs in the content', () => {
		const a = encodeMultipart([{ name: 'x', value: '1' }]);
		expect(encodeMultipart([{ name: 'x', value: '1' }]).contentType).toBe(a.contentType);
		expect(encodeMultipart([{ name: 'x', value: '2' }]).contentType).not.toBe(a.contentType);
		const boundary = a.contentType.split('boundary=')[1];
		expect(boundary).toMatch(/^----WolkvoxCrmFormBoundary[0-9a-f]{16}$/);
		// A value that holds the boundary the node would pick gets another one.
		const tricky = encodeMultipart([{ name: 'x', value: `--${boundary}` }]);
		const trickyBoundary = tricky.contentType.split('boundary=')[1];
		const content = tricky.body.toString('utf8').split(`--${trickyBoundary}`);
		expect(content).toHaveLength(3);
	});

	test('no parts is an empty form', () => {
		expect(encodeMultipart([], 'b').body.toString()).toBe('--b--\r\n');
	});
});
