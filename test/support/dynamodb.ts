import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DEFAULT_REGION, TEST_CREDENTIALS } from './cognito-pool';

export interface CoordinationTable {
  client: DynamoDBClient;
  name: string;
  /** The item as stored, whether or not it has expired (what TTL has not deleted yet). */
  rawItem(pk: string): Promise<Record<string, AttributeValue> | undefined>;
}

let tableCounter = 0;

/**
 * A coordination table in moto's DynamoDB as the deployment defines it: on demand, partition key
 * `pk` (string), no sort key, TTL on `expiresAt`.
 */
export async function createCoordinationTable(endpoint: string): Promise<CoordinationTable> {
  const client = new DynamoDBClient({ endpoint, region: DEFAULT_REGION, credentials: TEST_CREDENTIALS });
  const name = `accounts-coordination-${process.pid}-${++tableCounter}`;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    }),
  );
  return {
    client,
    name,
    rawItem: async (pk) => {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: name, Key: { pk: { S: pk } }, ConsistentRead: true }),
      );
      return Item;
    },
  };
}

/** The variables that point the service's coordination store at `table` on moto's endpoint. */
export const coordinationTableEnv = (endpoint: string, table: CoordinationTable): Record<string, string> => ({
  COORDINATION_TABLE: table.name,
  AWS_ENDPOINT_URL_DYNAMODB: endpoint,
});
