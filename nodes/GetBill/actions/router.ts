import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import * as company from './company';
import * as creditor from './creditor';
import * as debt from './debt';
import * as debtor from './debtor';
import * as followup from './followup';
import * as report from './report';
import * as user from './user';
import { runsAsTool } from './readers';
import { forModel } from './run/errors';
import { runOperation } from './run';
import type { Operation } from './run/types';

/** Every operation of every resource, by resource and operation name. */
export const OPERATIONS: Record<string, Record<string, Operation>> = {
	company: { getCredits: company.getCredits, getProfile: company.getProfile },
	creditor: { get: creditor.get, getAll: creditor.getAll, update: creditor.update },
	debtor: { get: debtor.get, getAll: debtor.getAll, update: debtor.update },
	report: { download: report.download, get: report.get, getAll: report.getAll },
	user: { getAll: user.getAll },
	debt: {
		create: debt.create,
		createMany: debt.createMany,
		delete: debt.del,
		get: debt.get,
		getAll: debt.getAll,
		getAllByCreditor: debt.getAllByCreditor,
		getAllByDebtor: debt.getAllByDebtor,
		update: debt.update,
	},
	followup: {
		create: followup.create,
		get: followup.get,
		getAll: followup.getAll,
		getAllByDebt: followup.getAllByDebt,
		update: followup.update,
	},
};

/**
 * Runs the chosen operation for every input item (the item policy: run/index.ts).
 * As an AI Agent's tool, whatever error stops the run, wherever it was
 * raised (a run-wide option too), reaches the model written for it.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	try {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const op = OPERATIONS[resource]?.[operation];
		if (!op) {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not supported`);
		}
		return await runOperation.call(this, op, resource);
	} catch (error) {
		throw runsAsTool(this) && (error instanceof NodeApiError || error instanceof NodeOperationError) ? forModel(error) : error;
	}
}
