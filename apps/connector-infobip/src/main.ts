import 'reflect-metadata';
import { attachAll, attachNumberLookup, startConnectorApp } from '@app/connectors';
import { attachDispatcher } from '@app/pipeline';

startConnectorApp('infobip', attachAll(attachDispatcher, attachNumberLookup));
