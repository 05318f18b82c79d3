'use strict';

/*
 * A tiny SMTP server for the e2e suites: it catches what n8n's Send Email node
 * sends (nodemailer, plain SMTP on 127.0.0.1, no TLS) and records each message.
 *
 * Speaks EHLO/HELO, AUTH PLAIN/LOGIN (any user and password accepted), MAIL
 * FROM, RCPT TO, DATA, RSET, NOOP and QUIT; offers no STARTTLS. Each message:
 * the envelope (`from`, `to`), the raw data, its headers, the decoded subject,
 * text and HTML bodies and attachments (file name, content type, bytes), parsed
 * from the MIME the simple way nodemailer writes it (multipart, base64 or
 * quoted-printable parts, RFC 2047 encoded words).
 *
 * CommonJS, Node built-ins only.
 */

const net = require('net');

/** A header's value with its encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) decoded. */
function decodeWords(value) {
	return value
		.replace(/\?=\s+=\?/g, '?==?')
		.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, charset, enc, text) => {
			const bytes =
				enc.toUpperCase() === 'B'
					? Buffer.from(text, 'base64')
					: Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
			return bytes.toString(/^utf-?8$/i.test(charset) ? 'utf8' : 'latin1');
		});
}

/** Quoted-printable to bytes. */
const decodeQuotedPrintable = (text) =>
	Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');

/** Splits a message or part into its headers (lower-case names, unfolded, decoded) and its body. */
function splitPart(raw) {
	const at = raw.search(/\r?\n\r?\n/);
	const head = at === -1 ? raw : raw.slice(0, at);
	const body = at === -1 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
	const headers = {};
	for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
	}
	return { headers, body };
}

/**
 * A parameter of a header value (`boundary`, `filename`, `name`): plain, quoted, or
 * RFC 2231 (`filename*=utf-8''…`, or continued: `filename*0*=utf-8''…; filename*1*=…`).
 */
function headerParam(value, name) {
	const pieces = [];
	const re = new RegExp(`;\\s*${name}\\*(?:(\\d+)(\\*)?|)=("([^"]*)"|[^;\\s]+)`, 'gi');
	for (let m; (m = re.exec(value ?? '')); ) {
		const extended = m[1] === undefined || m[2] === '*';
		pieces[Number(m[1] ?? 0)] = { text: m[4] ?? m[3], extended };
	}
	if (pieces.length) {
		const text = pieces.map((p, i) => (!p.extended ? encodeURIComponent(p.text) : i === 0 ? p.text.replace(/^[^']*'[^']*'/, '') : p.text)).join('');
		return decodeURIComponent(text);
	}
	const plain = new RegExp(`;\\s*${name}=("([^"]*)"|[^;\\s]+)`, 'i').exec(value ?? '');
	return plain ? (plain[2] ?? plain[1]) : undefined;
}

/** A part's body as bytes, by its Content-Transfer-Encoding. */
function partBytes(headers, body) {
	const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
	if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64');
	if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
	return Buffer.from(body.replace(/\r?\n$/, ''), 'latin1');
}

/** Walks a MIME entity: text and HTML bodies into `into.text` / `into.html`, files into `into.attachments`. */
function walk(raw, into) {
	const { headers, body } = splitPart(raw);
	const type = (headers['content-type'] ?? 'text/plain').split(';')[0].trim().toLowerCase();
	if (type.startsWith('multipart/')) {
		const boundary = headerParam(headers['content-type'], 'boundary');
		const parts = body.split(`--${boundary}`).slice(1);
		for (const part of parts) {
			if (part.startsWith('--')) break;
			walk(part.replace(/^\r?\n/, ''), into);
		}
		return;
	}
	const bytes = partBytes(headers, body);
	const disposition = headers['content-disposition'] ?? '';
	const filename = headerParam(disposition, 'filename') ?? headerParam(headers['content-type'], 'name');
	if (/^attachment/i.test(disposition) || filename) {
		into.attachments.push({ filename, contentType: type, disposition: disposition.split(';')[0].trim().toLowerCase(), content: bytes });
	} else if (type === 'text/html') {
		into.html = (into.html ?? '') + bytes.toString('utf8').replace(/\r\n/g, '\n');
	} else if (type.startsWith('text/')) {
		into.text = (into.text ?? '') + bytes.toString('utf8').replace(/\r\n/g, '\n');
	}
}

/**
 * What a message's data says: its headers, subject, from and to (as written in the
 * headers), text and HTML bodies (line breaks as \n), attachments ({filename, contentType, disposition, content: Buffer}).
 */
function parseMessage(raw) {
	const { headers } = splitPart(raw);
	const parsed = { headers, subject: headers.subject, text: undefined, html: undefined, attachments: [] };
	walk(raw, parsed);
	return parsed;
}

/** The address inside `<…>` of MAIL FROM / RCPT TO. */
const addressOf = (arg) => (/<([^>]*)>/.exec(arg)?.[1] ?? arg.trim()).trim();

class SmtpCatcher {
	constructor() {
		/** Every message received, in order: {from, to, raw, headers, subject, text, html, attachments, at} */
		this.messages = [];
		/** Every command received, per connection: {session, line} (AUTH data is not recorded) */
		this.commands = [];
		this.sockets = new Set();
		this.server = net.createServer((socket) => this.session(socket));
		this.sessions = 0;
	}

	/** Listens on 127.0.0.1, on a free port (or `port`); resolves with the port. */
	start(port = 0) {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, '127.0.0.1', () => {
				this.port = this.server.address().port;
				resolve(this.port);
			});
		});
	}

	/** Closes the server and every open connection. */
	stop() {
		for (const socket of this.sockets) socket.destroy();
		return new Promise((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
	}

	/** Waits until `n` messages in all have arrived (throws after `timeoutMs`); returns them all. */
	async waitForMessages(n, { timeoutMs = 15000 } = {}) {
		const deadline = Date.now() + timeoutMs;
		while (this.messages.length < n) {
			if (Date.now() > deadline) throw new Error(`expected ${n} e-mails within ${timeoutMs} ms, the SMTP catcher has ${this.messages.length}`);
			await new Promise((r) => setTimeout(r, 100));
		}
		return this.messages;
	}

	session(socket) {
		const id = ++this.sessions;
		this.sockets.add(socket);
		socket.on('close', () => this.sockets.delete(socket));
		socket.on('error', () => {});
		const reply = (text) => socket.write(`${text}\r\n`);
		let envelope = { from: undefined, to: [] };
		let data; // the lines of DATA, while it is read
		let auth; // the next line answers an AUTH prompt: 'plain' (the credentials), 'user' or 'pass' (AUTH LOGIN)
		let buffer = '';
		const line = (text) => {
			if (data !== undefined) {
				if (text === '.') {
					const raw = data.join('\r\n') + '\r\n';
					data = undefined;
					this.messages.push({ ...envelope, raw, ...parseMessage(raw), at: Date.now() });
					envelope = { from: undefined, to: [] };
					return reply(`250 2.0.0 Ok: queued as catcher-${this.messages.length}`);
				}
				data.push(text.startsWith('..') ? text.slice(1) : text);
				return undefined;
			}
			if (auth) {
				auth = auth === 'user' ? 'pass' : undefined;
				return reply(auth ? '334 UGFzc3dvcmQ6' : '235 2.7.0 Authentication successful');
			}
			const [verb, ...rest] = text.split(' ');
			const arg = rest.join(' ');
			const command = verb.toUpperCase();
			this.commands.push({ session: id, line: command === 'AUTH' ? `AUTH ${rest[0] ?? ''}` : text });
			switch (command) {
				case 'EHLO':
					return reply('250-localhost Hello\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 52428800');
				case 'HELO':
					return reply('250 localhost');
				case 'AUTH': {
					const mechanism = (rest[0] ?? '').toUpperCase();
					if (mechanism === 'PLAIN') {
						if (!rest[1]) auth = 'plain';
						return reply(auth ? '334 ' : '235 2.7.0 Authentication successful');
					}
					if (mechanism === 'LOGIN') {
						auth = rest[1] ? 'pass' : 'user';
						return reply(auth === 'user' ? '334 VXNlcm5hbWU6' : '334 UGFzc3dvcmQ6');
					}
					return reply('504 5.5.4 Unrecognized authentication type');
				}
				case 'MAIL':
					envelope.from = addressOf(arg.replace(/^FROM:/i, '').split(/\s+(?=[A-Z]+=)/)[0]);
					return reply('250 2.1.0 Ok');
				case 'RCPT':
					envelope.to.push(addressOf(arg.replace(/^TO:/i, '')));
					return reply('250 2.1.5 Ok');
				case 'DATA':
					data = [];
					return reply('354 End data with <CR><LF>.<CR><LF>');
				case 'RSET':
					envelope = { from: undefined, to: [] };
					return reply('250 2.0.0 Ok');
				case 'NOOP':
					return reply('250 2.0.0 Ok');
				case 'QUIT':
					reply('221 2.0.0 Bye');
					return socket.end();
				default:
					return reply('502 5.5.2 Command not recognized');
			}
		};
		socket.on('data', (chunk) => {
			buffer += chunk.toString('latin1');
			let at;
			while ((at = buffer.indexOf('\r\n')) !== -1) {
				const text = buffer.slice(0, at);
				buffer = buffer.slice(at + 2);
				line(text);
			}
		});
		reply('220 localhost ESMTP getbill-e2e catcher');
	}
}

module.exports = { SmtpCatcher, parseMessage };
