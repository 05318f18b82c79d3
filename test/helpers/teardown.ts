/* eslint-disable @n8n/community-nodes/no-restricted-imports -- stops n8n-core's SSH cleanup timer after each suite */
// n8n-core starts an SSH-tunnel cleanup interval the first time a node runs;
// n8n stops it at shutdown. Do the same after each suite, or jest never exits.
import { Container } from '@n8n/di';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

afterAll(() => {
	Container.get(SSHClientsManager).onShutdown();
});
