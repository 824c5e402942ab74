/** Texts built to make a backtracking pattern re-read the rest of the text from every position. */
export const ADVERSARIAL_TEXTS: Record<string, (n: number) => string> = {
  'a.': (n) => 'a.'.repeat(n / 2),
  'a@': (n) => 'a@'.repeat(n / 2),
  'x@a.a.': (n) => `x@${'a.'.repeat(n / 2)}`,
  '1-': (n) => '1-'.repeat(n / 2),
  '1 ': (n) => '1 '.repeat(n / 2),
  '12345-': (n) => '12345-'.repeat(n / 6),
  '+1 ': (n) => '+1 '.repeat(n / 3),
  '(1)': (n) => '(1)'.repeat(n / 3),
  'www.': (n) => 'www.'.repeat(n / 4),
  'a.co': (n) => 'a.co'.repeat(n / 4),
  'a-': (n) => 'a-'.repeat(n / 2),
  'letters then !': (n) => `${'a'.repeat(n - 1)}!`,
  '<a ': (n) => '<a '.repeat(n / 3),
  '<a then spaces': (n) => `<a${' '.repeat(n - 3)}<`,
  'free-': (n) => 'free-'.repeat(n / 5),
  'free then spaces': (n) => `free${' '.repeat(n - 5)}x`,
  'é.': (n) => 'é.'.repeat(n / 2),
};

/** The texts of `shapes`, in that order. */
export const adversarialTexts = (...shapes: string[]): Record<string, (n: number) => string> =>
  Object.fromEntries(
    shapes.map((shape) => {
      const make = ADVERSARIAL_TEXTS[shape];
      if (!make) throw new Error(`no adversarial text ${shape}`);
      return [shape, make];
    }),
  );
