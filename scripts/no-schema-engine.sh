#!/bin/sh
# Prisma's native schema engine cannot be downloaded on these machines. `prisma generate` does not
# need it; every `prisma migrate` command does, and must fail loudly rather than pretend (see
# docs/DATABASE.md): migrations are applied by `omis migrate` instead.
echo "schema engine not available here: use 'npx omis migrate'" >&2
exit 1
