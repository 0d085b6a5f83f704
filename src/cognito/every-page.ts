/** What one page of a Cognito list call gives: its items, and the token of the next page if any. */
export interface ListPage<T> {
  items: T[];
  next?: string;
}

/** Every item of a paginated list call: pages until no next token is returned. */
export async function everyPage<T>(read: (next?: string) => Promise<ListPage<T>>): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined;
  do {
    const page = await read(next);
    items.push(...page.items);
    next = page.next;
  } while (next);
  return items;
}
