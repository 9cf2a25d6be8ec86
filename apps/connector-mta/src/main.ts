import 'reflect-metadata';
import { startConnectorApp } from '@app/connectors';

startConnectorApp('mta');
