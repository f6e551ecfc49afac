// Date: a calendar day. Output ISO 8601; input ISO 8601 or 和暦 (令和7年7月1日, R7.7.1, H31.4.30).
import { builder } from '../builder.js';
import { DayParseError, fromDate, parseDay, type IsoDay } from '../domain/dates.js';
import { badUserInput, quote } from '../errors.js';

function parse(value: unknown): IsoDay {
  if (typeof value !== 'string') throw badUserInput(`A Date is a string such as "2025-07-01" or "令和7年7月1日", not ${quote(String(JSON.stringify(value)))}.`);
  try {
    return parseDay(value);
  } catch (error) {
    // graphql-js carries this error's extensions onto the error it reports for the argument.
    if (error instanceof DayParseError) throw badUserInput(error.message, { input: quote(value) });
    throw error;
  }
}

export const DateScalar = builder.scalarType('Date', {
  description:
    'A calendar day. Output is ISO 8601 (2025-07-01). Input is ISO 8601 or a Japanese-era date: ' +
    '令和7年7月1日, 令和元年5月1日, R7.7.1, H31.4.30 (full-width digits allowed).',
  serialize: (value) => (value instanceof Date ? fromDate(value) : parseDay(String(value))),
  parseValue: parse,
  parseLiteral: (ast) => {
    if (ast.kind !== 'StringValue') throw badUserInput('A Date literal must be a string, e.g. "2025-07-01" or "令和7年7月1日".');
    return parse(ast.value);
  },
});
