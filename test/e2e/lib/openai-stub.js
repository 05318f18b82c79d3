'use strict';

/*
 * A scripted OpenAI-compatible server on 127.0.0.1, for n8n's OpenAI Chat
 * Model (lmChatOpenAi) pointed at it through the `openAiApi` credential's Base
 * URL. It answers what that node calls with "Use Responses API" off:
 * `POST /v1/chat/completions`. At run time n8n asks for no model list (the
 * model is given By ID; anything else is answered 404) and, outside a chat
 * with streaming, sends `stream: false`: a request that asks to stream is
 * refused, so that a change there shows. Every request is recorded; what the
 * model "says" comes from `script(body)`.
 *
 * CommonJS, Node built-ins only.
 */

const http = require('http');

const MODEL = 'gpt-stub';

/**
 * @typedef {{content: string} | {toolCalls: Array<{name: string, args: object}>}} Reply
 */

class OpenAiStub {
	/**
	 * @param {object} o
	 * @param {(body: any, stub: OpenAiStub) => Reply} o.script what the model answers to a chat completion request
	 */
	constructor({ script }) {
		this.script = script;
		/** @type {Array<{method: string, path: string, body: any, at: number}>} */
		this.requests = [];
		this.calls = 0;
	}

	get url() {
		return `http://127.0.0.1:${this.port}/v1`;
	}

	/** The chat completion requests (what n8n sent the model), in order. */
	get completions() {
		return this.requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions').map((r) => r.body);
	}

	async start() {
		this.server = http.createServer((req, res) => this.handle(req, res));
		await new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(0, '127.0.0.1', resolve);
		});
		this.port = this.server.address().port;
		return this.url;
	}

	async stop() {
		if (!this.server) return;
		this.server.closeAllConnections?.();
		await new Promise((resolve) => this.server.close(() => resolve()));
		this.server = undefined;
	}

	handle(req, res) {
		let raw = '';
		req.on('data', (d) => (raw += d));
		req.on('end', () => {
			const path = req.url.split('?')[0];
			let body;
			try {
				body = raw ? JSON.parse(raw) : undefined;
			} catch {
				body = raw;
			}
			this.requests.push({ method: req.method, path, body, at: Date.now() });
			const json = (status, data) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(data));
			};
			if (req.method !== 'POST' || path !== '/v1/chat/completions') {
				return json(404, { error: { message: `The stub does not serve ${req.method} ${path}`, type: 'invalid_request_error' } });
			}
			if (body?.stream) return json(400, { error: { message: 'The stub does not stream', type: 'invalid_request_error' } });
			let reply;
			try {
				reply = this.script(body, this);
			} catch (error) {
				reply = { content: `The scripted model failed: ${error.message}` };
			}
			const id = `chatcmpl-stub-${++this.calls}`;
			const toolCalls = (reply.toolCalls ?? []).map((call, i) => ({
				id: `call_stub_${this.calls}_${i}`,
				type: 'function',
				function: { name: call.name, arguments: JSON.stringify(call.args) },
			}));
			const message = toolCalls.length ? { role: 'assistant', content: null, tool_calls: toolCalls } : { role: 'assistant', content: reply.content };
			const finish = toolCalls.length ? 'tool_calls' : 'stop';
			const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
			json(200, { id, object: 'chat.completion', created: 1700000000, model: body?.model ?? MODEL, choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage });
		});
	}
}

/** The text of a chat message (a string, or an array of text parts). */
function textOf(message) {
	const content = message?.content;
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : (part?.text ?? ''))).join('');
	return '';
}

module.exports = { OpenAiStub, textOf, MODEL };
