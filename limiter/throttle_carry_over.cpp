#include "limiter/throttle_carry_over.hpp"

#include <algorithm>

namespace ug::limiter {
namespace {

// owed * units_per_token of another bucket: up to 2^59 * 2^58.
__extension__ using wide_int = __int128;

std::int64_t units_at(const throttle_params& p, std::int64_t now_mono_ns) noexcept {
  return std::clamp<std::int64_t>(now_mono_ns, 0, p.max_now_ns) * p.units_per_ns;
}

}  // namespace

std::int64_t carried_over_tat(const throttle_params& from, const throttle_params& to,
                              std::int64_t now_mono_ns, std::int64_t tat_units) noexcept {
  if (to.deny_all) {
    return tat_units;  // nothing reads the state while `to` applies
  }
  const std::int64_t to_now_units = units_at(to, now_mono_ns);
  if (from.deny_all) {
    return to_now_units;  // full
  }
  const std::int64_t from_now_units = units_at(from, now_mono_ns);
  // Units owed before the bucket is full again: spent * units_per_token. A
  // state beyond empty (a worker's later clock reading, or a stale word)
  // counts as empty. Compared before subtracting: a state left far below now
  // by refunds must not overflow.
  std::int64_t owed =
      tat_units <= from_now_units ? 0 : std::min(tat_units - from_now_units, from.tolerance_units);
  const std::int64_t from_burst = from.capacity_tokens();
  const std::int64_t to_burst = to.capacity_tokens();
  if (from_burst > to_burst) {
    // The capacity a lowering removes takes the spent tokens first. At most
    // from.tolerance_units, so the product cannot overflow.
    owed = std::max<std::int64_t>(0, owed - (from_burst - to_burst) * from.units_per_token);
  }
  const wide_int scaled = static_cast<wide_int>(owed) * to.units_per_token;
  wide_int to_owed = scaled / from.units_per_token;
  if (scaled % from.units_per_token != 0) {
    ++to_owed;
  }
  to_owed = std::min<wide_int>(to_owed, to.tolerance_units);
  // to_now_units + tolerance stays below 2^63 by max_now_ns's definition.
  return to_now_units + static_cast<std::int64_t>(to_owed);
}

bool same_units(const throttle_params& a, const throttle_params& b) noexcept {
  if (a.deny_all || b.deny_all) {
    return a.deny_all == b.deny_all;
  }
  return a.units_per_ns == b.units_per_ns && a.units_per_token == b.units_per_token &&
         a.tolerance_units == b.tolerance_units;
}

void gcra_bucket::carry_over(const throttle_params& from, const throttle_params& to,
                             std::int64_t now_mono_ns) noexcept {
  if (same_units(from, to)) {
    return;
  }
  // Relaxed, as in try_acquire: the bucket is this one word. A worker's
  // update between the load and the CAS fails the CAS, and the new state is
  // recomputed from the word it left, so no admission or refund is lost.
  std::int64_t tat = tat_units_.load(std::memory_order_relaxed);
  while (!tat_units_.compare_exchange_weak(tat, carried_over_tat(from, to, now_mono_ns, tat),
                                           std::memory_order_relaxed, std::memory_order_relaxed)) {
  }
}

}  // namespace ug::limiter
