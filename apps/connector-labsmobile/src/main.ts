import 'reflect-metadata';
import { startConnectorApp } from '@app/connectors';
import { attachDispatcher } from '@app/pipeline';

startConnectorApp('labsmobile', attachDispatcher);
