#!/usr/bin/env bash
# The generated man page and completions list every option that --help lists,
# and are valid roff, bash and zsh. zsh and groff must be installed (the
# Makefile's deps installs them): a missing tool is a failure, never a skip.
# Usage: docs_test.sh LR_FIND_BINARY GENERATED_DIR
set -euo pipefail
binary=$1 generated=$2
passed=0 failed=0
check() { if "$@"; then passed=$((passed + 1)); else echo "FAILED: $*"; failed=$((failed + 1)); fi; }

options=$( { "$binary" --help; "$binary" check --help; } | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u)
[ -n "$options" ] || { echo "no options found in --help"; exit 1; }
for option in $options; do
  roff_name=${option//-/\\-}
  check grep -qF -- "$roff_name" "$generated/lr-find.1"
  check grep -qF -- "$option" "$generated/lr-find.bash"
  check grep -qF -- "'$option[" "$generated/_lr-find"
done
check bash -n "$generated/lr-find.bash"
missing=
for tool in zsh groff; do command -v "$tool" >/dev/null || missing="$missing $tool"; done
if [ -n "$missing" ]; then
  echo "FAILED: not installed:$missing (Debian packages zsh and groff-base; make deps installs them)"
  failed=$((failed + 1))
else
  check zsh -n "$generated/_lr-find"
  warnings=$(groff -man -Tutf8 -ww -z "$generated/lr-find.1" 2>&1 || true)
  check test -z "$warnings"
fi
# The bash completion offers the model kinds after --model.
completions=$(bash -c "source '$generated/lr-find.bash'; COMP_WORDS=(lr-find data.csv --model l); COMP_CWORD=3; _lr_find; echo \${COMPREPLY[*]}")
check test "$completions" = "linear logistic"
# ... and the encodings after --encoding.
completions=$(bash -c "source '$generated/lr-find.bash'; COMP_WORDS=(lr-find data.csv --encoding ''); COMP_CWORD=3; _lr_find; echo \${COMPREPLY[*]}")
check test "$completions" = "utf-8 latin1 cp1252"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
