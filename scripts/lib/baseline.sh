# Side-by-side runs of two builds (sourced after lib/fresh-stack.sh, not run): with BASELINE_BIN_DIR=<the release bin
# dir of another checkout>, a benchmark measures that build's services first, then ours, in one invocation, each on a
# fresh stack driven by this build's client, so the two figures come from the same machine minutes apart.
#
#   measure() { local mark="$1"; start_fresh_stack; …; say "line${mark:+ $mark}"; fresh_stack_cleanup; trap - EXIT; }
#   measure_with_baseline measure   runs `measure baseline` on BASELINE_BIN_DIR's services (when set), then `measure ""`

measure_with_baseline() {
  local measure="$1" our_bin="$BIN"
  if [[ -n "${BASELINE_BIN_DIR:-}" ]]; then
    [[ -x "$BASELINE_BIN_DIR/gateway-api" ]] || die "BASELINE_BIN_DIR has no gateway-api: $BASELINE_BIN_DIR"
    BIN="$BASELINE_BIN_DIR"
    "$measure" baseline
    BIN="$our_bin"
  fi
  "$measure" ""
}

# `ratio: <name> ours=A baseline=B ratio=A/B` (with $4 decimals, default 2) from two figures, when a baseline ran.
say_baseline_ratio() {
  local name="$1" ours="$2" baseline="$3" digits="${4:-2}"
  [[ -n "${BASELINE_BIN_DIR:-}" ]] || return 0
  say "ratio: $name ours=$ours baseline=$baseline ratio=$(awk -v a="$ours" -v b="$baseline" -v d="$digits" \
    'BEGIN { printf "%.*f", d, (b > 0 ? a / b : 0) }')"
}
