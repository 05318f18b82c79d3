'use strict';

// n8n finds this package's nodes and credentials through the `n8n` section of
// package.json, not through this file. It exists so `require('n8n-nodes-getbill')`
// resolves, and lists what the package provides.
module.exports = {
	nodes: ['GetBill', 'GetBillTrigger'],
	credentials: ['GetBillOAuth2Api', 'GetBillWebhookApi'],
};
