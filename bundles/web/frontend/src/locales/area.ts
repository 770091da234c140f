/**
 * One area of the app's texts (a folder of pages: admin, desk, panel, …) in every language, in its own file
 * `src/locales/<area>.ts` whose default export is `area(en, fa, ru)`. i18n.ts finds every such file at build time
 * (Vite's import.meta.glob) and puts it under the key `<area>`: t('<area>.some.key'). Persian and Russian must have
 * exactly English's keys: the type says so here and logic.test.ts checks it again at run time.
 */
export type Texts = { [key: string]: string | Texts };

export interface Area<T extends Texts> { en: T; fa: T; ru: T }

export function area<T extends Texts>(en: T, fa: T, ru: T): Area<T> {
  return { en, fa, ru };
}
