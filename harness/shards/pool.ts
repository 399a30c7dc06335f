/** Runs `fn(i)` for every i in [0, n), at most `concurrency` at a time; `check` runs every 256 starts (a deadline). */
export async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>, check?: () => void): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      if ((i & 255) === 0) check?.();
      await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}
