import fc from 'fast-check';

/**
 * Hostile text for the property tests: any UTF-16 code unit (lone surrogates, NUL, controls), and
 * strings built from the pieces parsers trip over (escapes cut short, separators, XML syntax).
 */
export const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));

export const anyText = fc.oneof(
  fc.string({ unit: anyCodeUnit, maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'binary-ascii', maxLength: 60 }),
);

const TRICKY_PIECES = [
  '%', '%u', '%U', '%2', '%2G', '%C3', '%A9', '%C3%A9', '%E4%B8', '%FF', '%F0%9F%98', '%ud83d', '%uDE00', '%u4e2d', '%00', '%0',
  '+', '&', '=', '&&', '==', ';', '?', '#', 'a', 'Z', '0', '9', 'é', '中', '😀', '\uD800', '\uDC00', '\u0000', ' ', '\t', '\r\n',
  '<', '>', '</', '/>', '<!', '<![CDATA[', ']]>', '<?', '?>', '&amp;', '&#', '&#x', ';', '"', "'", '\\', '/', '//', ':', '@',
  '%errorcode%', '%ErrorMsg%', '%OMISQUERYSTRING%', '%jobid', 'jobid%', '__proto__', 'constructor', 'toString',
];

export const trickyText = fc.array(fc.constantFrom(...TRICKY_PIECES), { maxLength: 25 }).map((pieces) => pieces.join(''));

export const hostileText = fc.oneof(anyText, trickyText);

/** Well-formed Unicode (no lone surrogates), which encodeURIComponent accepts. */
export const wellFormedText = fc.string({ unit: 'binary', maxLength: 60 });

/** Names that JavaScript objects treat specially, plus ordinary ones in mixed case. */
export const fieldName = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', 'LaunchID', 'launchid', 'JOBID', 'ManagerLoginName'),
  fc.string({ unit: fc.constantFrom(...'abcXYZ_-.0'), minLength: 1, maxLength: 8 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
);
