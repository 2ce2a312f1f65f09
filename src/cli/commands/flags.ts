// Flag parsers shared by the commands (commander `argParser`s): defined once.

/** A repeatable flag: every value, in order. */
export const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

/** A repeatable, comma-separated flag: `--x a,b --x c` → [a, b, c]. */
export const commaList = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), ...v.split(',')];
