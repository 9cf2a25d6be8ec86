import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { ENTITIES } from './entities';

/** The SQL a `migration:generate` would write: what the entities want that the migrated schema lacks. */
async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  return log.upQueries.map((query) => query.query);
}

/** Deliberately not covered by any migration. */
@Entity('drift_probe')
class DriftProbeEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'text' })
  label!: string;
}

describe('schema drift between entities and migrations', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('a freshly migrated database needs no generated migration', async () => {
    const pending = await pendingSchemaChanges(database.dataSource);
    if (pending.length > 0) {
      console.error(
        `Entities and migrations disagree. Add a migration with these statements:\n${pending.join(';\n')};`,
      );
    }
    expect(pending).toEqual([]);
  });

  it('reports the difference when an entity is not covered by a migration', async () => {
    const probe = new DataSource({
      ...database.dataSource.options,
      entities: [...ENTITIES, DriftProbeEntity],
      poolSize: 1,
    } as typeof database.dataSource.options);
    await probe.initialize();
    try {
      const pending = await pendingSchemaChanges(probe);
      expect(pending).toEqual(
        expect.arrayContaining([expect.stringContaining('CREATE TABLE "drift_probe"')]),
      );
    } finally {
      await probe.destroy();
    }
  });
});
