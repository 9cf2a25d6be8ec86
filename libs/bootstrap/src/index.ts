export { appLogger, DatabaseObservation, ObservedAppModule } from './observed-app';
