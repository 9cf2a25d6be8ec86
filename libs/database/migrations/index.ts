// Every migration, in order, as an explicit list so that tsc, swc, jest and the CLI agree.
// Name files `<unix-ms>-<Name>.ts`; append new classes at the end.
import { Base1763800000000 } from './1763800000000-Base';

export const MIGRATIONS = [Base1763800000000];
