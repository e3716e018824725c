#!/bin/sh
# Determinism contract (docs/determinism.md, rule 1): no floating point in
# fixedpoint/ or core/ outside their tests and benches. Exit 1 and list the
# lines otherwise.
cd "$(dirname "$0")/.." || exit 2
hits=$(grep -rnE '\b(float|double|float_t|double_t)\b|long double|<cmath>|<math\.h>|<cfloat>|std::(sqrt|exp|log|pow|erf|erfc|fabs|floor|ceil|round|lround)\b|__builtin_(sqrt|exp|log|pow)' \
  --include='*.hpp' --include='*.h' --include='*.cpp' --include='*.cc' --include='*.inc' \
  fixedpoint core 2>/dev/null | grep -vE '/(tests?|bench)/')
if [ -n "$hits" ]; then
  echo "floating point in fixedpoint/ or core/ (forbidden by the determinism contract):"
  echo "$hits"
  exit 1
fi
echo "lint-no-float: fixedpoint/ and core/ are free of floating point"
