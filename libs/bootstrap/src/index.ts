export { applyBootstrapConfig, type BootstrapApplied } from './bootstrap-apply';
export {
  BootstrapConfigError,
  parseBootstrapConfig,
  type BootstrapConfig,
  type BootstrapCredential,
  type BootstrapIssue,
  type BootstrapProvider,
  type BootstrapRoutePlan,
  type BootstrapTenant,
  type TariffRow,
  type TariffSource,
} from './bootstrap-config';
export { applyBootstrapFile, bootstrapFile, DEFAULT_BOOTSTRAP_FILE } from './bootstrap-start';
export { appLogger, DatabaseObservation, ObservedAppModule } from './observed-app';
export {
  applySandbox,
  printSandboxInstructions,
  SANDBOX_TENANT,
  sandboxBootstrap,
  SandboxModule,
  SandboxStartError,
  sandboxWanted,
  startSandbox,
  startSandboxIfUnconfigured,
  type Sandbox,
} from './sandbox';
