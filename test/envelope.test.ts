import { codeOf, errorMessageOf, readEnvelope } from '../nodes/WolkvoxCrm/transport/envelope';

const DELETE_SAMPLE =
	'{"code": 200, "error": "null", "msg": "Have been succesfully removed", "data": {"wolkvox_id": ["", ""]}}';
const QUERY_SAMPLE = JSON.stringify({
	code: '200',
	error: 'null',
	msg: '1 records were are found',
	data: [{ Categoria: 'Arepas', wolkvox_id: '647f6ff1660dff48d803ffe6' }],
});
const TOKEN_INFO_SAMPLE =
	'{"code":"200","error":"null","msg":"1 records were are found","data":{"description":"token","token_limit":4800,"token_use_today":0,"available_consumition_options":4800}}';

describe('readEnvelope: success', () => {
	it('reads the documented delete sample (numeric code, error "null")', () => {
		expect(readEnvelope(200, DELETE_SAMPLE)).toEqual({
			kind: 'success',
			envelope: {
				code: 200,
				error: 'null',
				msg: 'Have been succesfully removed',
				data: { wolkvox_id: ['', ''] },
			},
		});
	});

	it('reads the observed query sample (string code "200")', () => {
		expect(readEnvelope(200, QUERY_SAMPLE)).toEqual({
			kind: 'success',
			envelope: {
				code: '200',
				error: 'null',
				msg: '1 records were are found',
				data: [{ Categoria: 'Arepas', wolkvox_id: '647f6ff1660dff48d803ffe6' }],
			},
		});
	});

	it('reads the token-information sample (data is an object)', () => {
		const reading = readEnvelope(200, TOKEN_INFO_SAMPLE);
		expect(reading.kind).toBe('success');
		expect(reading).toHaveProperty('envelope.data.available_consumition_options', 4800);
	});

	it('treats "0 records were are found" as success, not as an error', () => {
		const body = '{"code":"200","error":"null","msg":"0 records were are found","data":[]}';
		expect(readEnvelope(200, body)).toEqual({
			kind: 'success',
			envelope: { code: '200', error: 'null', msg: '0 records were are found', data: [] },
		});
	});

	it.each([
		['JSON null', '{"code":200,"error":null}'],
		['the string "null"', '{"code":200,"error":"null"}'],
		['an empty string', '{"code":200,"error":""}'],
		['"NULL"', '{"code":200,"error":"NULL"}'],
		['" Null " with spaces', '{"code":200,"error":" Null "}'],
		['"none"', '{"code":200,"error":"none"}'],
		['"false"', '{"code":200,"error":"false"}'],
		['false', '{"code":200,"error":false}'],
		['"0"', '{"code":200,"error":"0"}'],
		['0', '{"code":200,"error":0}'],
		['"undefined"', '{"code":200,"error":"undefined"}'],
		['an empty object', '{"code":200,"error":{}}'],
		['an empty array', '{"code":200,"error":[]}'],
		['no error key at all', '{"code":200,"msg":"ok"}'],
	])('error %s means no error', (_, body) => {
		const reading = readEnvelope(200, body);
		expect(reading.kind).toBe('success');
		expect(reading).toEqual({ kind: 'success', envelope: JSON.parse(body) });
	});

	it.each([
		['an object', '{"code":200,"error":"null","data":{"wolkvox_id":"647f6ff1660dff48d803ffe6"}}'],
		['an array', '{"code":200,"error":"null","data":[{"wolkvox_id":"647f6ff1660dff48d803ffe6"}]}'],
		['an empty array', '{"code":200,"error":"null","data":[]}'],
		['a string', '{"code":200,"error":"null","data":"647f6ff1660dff48d803ffe6"}'],
		['null', '{"code":200,"error":"null","data":null}'],
		['missing', '{"code":200,"error":"null","msg":"ok"}'],
	])('data as %s is fine', (_, body) => {
		expect(readEnvelope(200, body)).toEqual({ kind: 'success', envelope: JSON.parse(body) });
	});

	it('keeps extra top-level keys such as "Total records"', () => {
		const body = '{"code":"200","error":"null","Total records":3,"data":[]}';
		expect(readEnvelope(200, body)).toEqual({ kind: 'success', envelope: JSON.parse(body) });
	});

	it.each([
		['surrounding whitespace', `\n  ${DELETE_SAMPLE}  \n`],
		['a byte order mark', `\ufeff${DELETE_SAMPLE}`],
	])('tolerates %s around the JSON', (_, body) => {
		expect(readEnvelope(200, body)).toEqual({ kind: 'success', envelope: JSON.parse(DELETE_SAMPLE) });
	});

	it.each([
		['an empty object', '{}'],
		['a code that is not a status', '{"code":"abc"}'],
		['a four-digit code string', '{"code":"2000"}'],
		['code 399', '{"code":399}'],
	])('HTTP 200 with %s and no error is success', (_, body) => {
		expect(readEnvelope(200, body).kind).toBe('success');
	});
});

describe('readEnvelope: the API said no', () => {
	it('an error message with HTTP 200 and code 200 is an error', () => {
		const body = '{"code":200,"error":"The module does not exist","msg":"Error"}';
		expect(readEnvelope(200, body)).toEqual({
			kind: 'apiError',
			envelope: JSON.parse(body),
			status: 200,
			apiCode: 200,
			apiError: 'The module does not exist',
			apiMessage: 'Error',
		});
	});

	it('code "403" as a string with HTTP 200 is an error with apiCode 403', () => {
		const body = '{"code":"403","error":"null","msg":"TOKEN LIMIT EXCEEDED"}';
		expect(readEnvelope(200, body)).toEqual({
			kind: 'apiError',
			envelope: JSON.parse(body),
			status: 200,
			apiCode: 403,
			apiError: undefined,
			apiMessage: 'TOKEN LIMIT EXCEEDED',
		});
	});

	it.each([
		['400', '{"code":400}', 400],
		['" 404 " (padded string)', '{"code":" 404 "}', 404],
		['"500"', '{"code":"500","error":"null"}', 500],
	])('code %s with HTTP 200 is an error', (_, body, apiCode) => {
		const reading = readEnvelope(200, body);
		expect(reading.kind).toBe('apiError');
		expect(reading).toHaveProperty('apiCode', apiCode);
		expect(reading).toHaveProperty('status', 200);
	});

	it('HTTP 401 with a JSON body', () => {
		const body = '{"code":401,"error":"PLEASE ENTER THE WOLKVOX-TOKEN","msg":""}';
		expect(readEnvelope(401, body)).toEqual({
			kind: 'apiError',
			envelope: JSON.parse(body),
			status: 401,
			apiCode: 401,
			apiError: 'PLEASE ENTER THE WOLKVOX-TOKEN',
			apiMessage: undefined,
		});
	});

	it('HTTP 403 whose body claims code 200 is still an error (the HTTP status wins)', () => {
		const body = '{"code":"200","error":"null","msg":"PLEASE VALIDATE TOKEN"}';
		expect(readEnvelope(403, body)).toEqual({
			kind: 'apiError',
			envelope: JSON.parse(body),
			status: 403,
			apiCode: 200,
			apiError: undefined,
			apiMessage: 'PLEASE VALIDATE TOKEN',
		});
	});

	it('HTTP 500 with an empty JSON object is an error without details', () => {
		expect(readEnvelope(500, '{}')).toEqual({
			kind: 'apiError',
			envelope: {},
			status: 500,
			apiCode: undefined,
			apiError: undefined,
			apiMessage: undefined,
		});
	});

	it('trims the error and the message', () => {
		const reading = readEnvelope(404, '{"code":404,"error":"  not found  ","msg":"  no record \\n"}');
		expect(reading).toMatchObject({ kind: 'apiError', apiError: 'not found', apiMessage: 'no record' });
	});

	it('ignores a blank or non-text msg', () => {
		expect(readEnvelope(400, '{"msg":"   "}')).toMatchObject({ kind: 'apiError', apiMessage: undefined });
		expect(readEnvelope(400, '{"msg":42}')).toMatchObject({ kind: 'apiError', apiMessage: undefined });
	});

	it.each([
		['an object with a message', '{"error":{"message":" bad module "}}', 'bad module'],
		['an object without a message', '{"error":{"field":"module"}}', '{"field":"module"}'],
		['a list', '{"error":["module is required"]}', '["module is required"]'],
		['true', '{"error":true}', 'true'],
		['a number', '{"error":17}', '17'],
	])('error as %s is reported as text', (_, body, apiError) => {
		expect(readEnvelope(200, body)).toMatchObject({ kind: 'apiError', status: 200, apiError });
	});
});

describe('readEnvelope: whatever answered is not the API', () => {
	it.each([
		[200, '<!DOCTYPE html><html><head><title>wolkvox CRM</title></head><body>Login</body></html>'],
		[502, '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body></html>'],
		[503, '\n\n  <!doctype html><html></html>'],
		[200, '<body>maintenance</body>'],
		[500, 'Fatal error: <b>Uncaught</b> in /var/www/html/server/API/v2/custom/delete.php<br /><html>'],
	])('an HTML page with HTTP %i', (status, body) => {
		expect(readEnvelope(status, body)).toEqual({ kind: 'notApi', status, looksLikeHtml: true });
	});

	it.each([
		[200, 'OK'],
		[500, 'Internal Server Error'],
		[429, 'Too Many Requests'],
		[200, ''],
		[200, '   \r\n '],
		[204, ''],
		[200, 'null'],
		[200, '42'],
		[200, 'true'],
		[200, '"200"'],
		[200, '"hello"'],
		[200, '[]'],
		[200, '[{"code":200}]'],
		[200, '[1,2]'],
	])('HTTP %i with body %j', (status, body) => {
		expect(readEnvelope(status, body)).toEqual({ kind: 'notApi', status, looksLikeHtml: false });
	});
});

describe('readEnvelope: cut off mid-answer', () => {
	it.each([
		[200, '{"code":200,"er'],
		[200, '{'],
		[200, '[{"wolkvox_id":"647f6ff1660dff48d803ffe6"'],
		[200, DELETE_SAMPLE.slice(0, -1)],
		[500, '{"code":500,"msg":"Inter'],
	])('HTTP %i with body %j', (status, body) => {
		expect(readEnvelope(status, body)).toEqual({ kind: 'truncated', status });
	});
});

describe('readEnvelope: redirects', () => {
	it.each([301, 302, 303, 307, 308])('HTTP %i with a location', (status) => {
		expect(readEnvelope(status, '', 'https://crm.wolkvox.com/login')).toEqual({
			kind: 'redirect',
			status,
			location: 'https://crm.wolkvox.com/login',
		});
	});

	it('a redirect without a location, whatever the body', () => {
		expect(readEnvelope(302, '<html>Moved</html>')).toEqual({ kind: 'redirect', status: 302, location: undefined });
		expect(readEnvelope(301, DELETE_SAMPLE)).toEqual({ kind: 'redirect', status: 301, location: undefined });
	});

	it('the location is ignored when the status is not a redirect', () => {
		expect(readEnvelope(200, DELETE_SAMPLE, 'https://elsewhere.example/')).toEqual({
			kind: 'success',
			envelope: JSON.parse(DELETE_SAMPLE),
		});
	});
});

describe('codeOf', () => {
	it.each([
		[200, 200],
		['200', 200],
		[' 403 ', 403],
		['0200', undefined],
		[403, 403],
		[0, 0],
		['20', undefined],
		['2000', undefined],
		['2e2', undefined],
		['200.0', undefined],
		['0x1F4', undefined],
		['', undefined],
		['abc', undefined],
		[NaN, undefined],
		[Infinity, undefined],
		[null, undefined],
		[undefined, undefined],
		[true, undefined],
		[{}, undefined],
		[[200], undefined],
	])('%j → %j', (value, expected) => {
		expect(codeOf(value)).toBe(expected);
	});
});

describe('errorMessageOf', () => {
	it.each([
		[null, undefined],
		[undefined, undefined],
		[false, undefined],
		[0, undefined],
		['', undefined],
		['   ', undefined],
		['null', undefined],
		['NULL', undefined],
		[' Null ', undefined],
		['none', undefined],
		['false', undefined],
		['0', undefined],
		['undefined', undefined],
		[{}, undefined],
		[[], undefined],
		['Invalid token', 'Invalid token'],
		['  Invalid token \n', 'Invalid token'],
		['nullified', 'nullified'],
		[true, 'true'],
		[1, '1'],
		[{ message: 'bad module' }, 'bad module'],
		[{ message: '' }, '{"message":""}'],
		[{ code: 7 }, '{"code":7}'],
		[['a', 'b'], '["a","b"]'],
	])('%j → %j', (value, expected) => {
		expect(errorMessageOf(value)).toBe(expected);
	});
});
