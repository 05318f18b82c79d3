'use strict';

// n8n finds this package's node and credential through the `n8n` section of
// package.json, not through this file. It exists so `require('n8n-nodes-getbill')`
// resolves, and lists what the package provides.
module.exports = {
	nodes: ['GetBill'],
	credentials: ['GetBillOAuth2Api'],
};
