#include "limiter/throttle.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace ug::limiter {
namespace {

static_assert(std::atomic<std::int64_t>::is_always_lock_free);

constexpr std::int64_t ns_per_s = 1'000'000'000;
/// Finest time scale allowed: now_ns * 16 stays below 2^63 for 18 years.
constexpr std::int64_t max_units_per_ns = 16;
/// Caps that keep now_units + tolerance + one emission interval below 2^63 for
/// at least 16 years of uptime at the finest scale. A token rarer than one per
/// 9 years, or a burst longer than 2^59 units (e.g. 576 tokens at 1e-6/s), is
/// clamped; the tolerance cap only ever admits less.
constexpr std::int64_t max_units_per_token = std::int64_t{1} << 58;
constexpr std::int64_t max_tolerance_units = std::int64_t{1} << 59;
/// Above this a rate is treated as "one token per unit at the finest scale".
constexpr long double max_rate_per_s = 1e15L;

/// Ceiling of a / b for b > 0 and any a (C++ division truncates toward 0).
constexpr std::int64_t ceil_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && a > 0) ? q + 1 : q;
}

/// rate = num / den with den = 10^k, k <= 6, the smallest k for which rate*den
/// is (within the precision of a double parsed from decimal text) an integer.
struct decimal_rate {
  std::int64_t num = 0;
  std::int64_t den = 1;
  bool found = false;
};

decimal_rate as_decimal(long double rate) noexcept {
  std::int64_t den = 1;
  for (int k = 0; k <= 6; ++k, den *= 10) {
    const long double scaled = rate * static_cast<long double>(den);
    if (scaled > 9e18L) {
      break;
    }
    const long double nearest = std::nearbyint(scaled);
    // A decimal literal parsed into a double is off by at most 2^-53 relative,
    // so anything within 1e-15 relative is that decimal; real fractions with 7+
    // decimals are much farther from an integer.
    if (nearest >= 1 && std::fabs(scaled - nearest) <= scaled * 1e-15L) {
      return decimal_rate{static_cast<std::int64_t>(nearest), den, true};
    }
  }
  return decimal_rate{};
}

/// The time the bucket would be full again and the whole tokens left, both
/// seen from the reading `now_ns` with state `tat_units` (see try_acquire).
struct figures {
  std::int64_t remaining = 0;
  std::int64_t reset_after_ns = 0;
};

figures figures_at(const throttle_params& p, std::int64_t now_ns, std::int64_t tat_units) noexcept {
  const std::int64_t u = p.units_per_ns;
  const std::int64_t now_units = now_ns * u;
  const std::int64_t base = std::max(tat_units, now_units);
  // Whole tokens another request could still take at this reading. The
  // headroom is at most u + tolerance, so it exceeds the bucket size only when
  // a nanosecond refills a whole token (u >= T: rates of 1e9/s and more).
  const std::int64_t headroom = now_units + u + p.tolerance_units - base;
  figures f;
  f.remaining = headroom < 0 ? 0 : headroom / p.units_per_token;
  if (u >= p.units_per_token) {
    f.remaining = std::min(f.remaining, p.tolerance_units / p.units_per_token);
  }
  if (u == 0) {
    // Time stands still (rate 0): full only while nothing was ever taken.
    f.reset_after_ns = tat_units <= 0 ? 0 : -1;
    return f;
  }
  // Full again at the first reading t with t*u + u >= tat. (Most rates have
  // u == 1: skip the division there.)
  const std::int64_t full_at_ns = u == 1 ? tat_units - 1 : ceil_div(tat_units - u, u);
  f.reset_after_ns = std::max<std::int64_t>(0, full_at_ns - now_ns);
  return f;
}

/// The refusal that `conforms` gave a request costing `cost_units`. It
/// reports no token left, which is the truth for one token (refused only
/// when none is); take() fills in what is left short of several.
throttle_result refused_result(const throttle_params& p, std::int64_t now_ns,
                               std::int64_t tat_units, std::int64_t cost_units) noexcept {
  const std::int64_t u = p.units_per_ns;
  throttle_result r;
  r.allowed = false;
  r.remaining = 0;
  if (u == 0) {
    r.retry_after_ns = -1;  // rate 0: no token ever comes back
    r.reset_after_ns = -1;
    return r;
  }
  // The first reading t with tat + cost - tolerance <= t*u + u admits the
  // request (summed in this order so a stale, huge TAT cannot overflow).
  const std::int64_t retry_at_ns = ceil_div(tat_units - p.tolerance_units - u + cost_units, u);
  r.retry_after_ns = std::max<std::int64_t>(1, retry_at_ns - now_ns);
  r.reset_after_ns = figures_at(p, now_ns, tat_units).reset_after_ns;
  return r;
}

constexpr throttle_result deny_all_result() noexcept {
  return throttle_result{false, 0, -1, 0};
}

std::int64_t clamp_now(const throttle_params& p, std::int64_t now_mono_ns) noexcept {
  return std::clamp<std::int64_t>(now_mono_ns, 0, p.max_now_ns);
}

/// A TAT further ahead of a reading than any admitted request can leave it
/// (tolerance + one reading's worth) by more than this is not a real bucket
/// state: it was written under other parameters (by a worker still deciding
/// with the limits a reload replaced, after carry_over rewrote the state in
/// the new units) or it comes from a thread whose clock reading is over a
/// minute stale. Rather than refuse for as long as such a value says
/// (possibly years), the bucket restarts empty at now.
constexpr std::int64_t stale_after_ns = 60'000'000'000;

bool is_stale(const throttle_params& p, std::int64_t now_units, std::int64_t tat) noexcept {
  return tat - now_units > p.tolerance_units + p.units_per_ns * (stale_after_ns + 1);
}

/// An empty bucket at now: the next token is one emission interval away.
std::int64_t empty_tat(const throttle_params& p, std::int64_t now_units) noexcept {
  return now_units + p.tolerance_units;
}

/// The state a reading decides on without writing it: a stale value reads
/// as the empty bucket that try_acquire would restart it as.
std::int64_t tat_seen(const throttle_params& p, std::int64_t now_units, std::int64_t tat) noexcept {
  return is_stale(p, now_units, tat) ? empty_tat(p, now_units) : tat;
}

/// The GCRA test for `cost_units` (tokens * T, at most the tolerance), written
/// so that no intermediate can overflow whatever the stored value: admit iff
/// max(tat, now*u) + cost <= now*u + u + tolerance.
bool conforms(const throttle_params& p, std::int64_t now_units, std::int64_t base,
              std::int64_t cost_units) noexcept {
  return base - now_units <= p.units_per_ns + p.tolerance_units - cost_units;
}

/// The decision loop of try_acquire for 1 <= tokens <= capacity on a bucket
/// that is not deny_all. Inlined into both overloads so that the one-token
/// path, with the constant 1, compiles to what it would be on its own.
[[gnu::always_inline]] inline throttle_result take(std::atomic<std::int64_t>& tat_units,
                                                   const throttle_params& p,
                                                   std::int64_t now_mono_ns,
                                                   std::int64_t tokens) noexcept {
  // A reading of n ns stands for the real instant somewhere in [n, n+1) ns,
  // i.e. [n*u, n*u + u) units. The TAT advances from the earliest of those
  // (so elapsed time is never over-credited) and the test is made against the
  // latest (so a client's own clock rounding never costs it a request). The
  // result is exact: admitted iff every half-open window [a, n+1) would still
  // hold at most burst + floor(rate * length) tokens (tests/limiter).
  const std::int64_t now_ns = clamp_now(p, now_mono_ns);
  const std::int64_t now_units = now_ns * p.units_per_ns;
  const std::int64_t cost_units = tokens * p.units_per_token;
  // Memory order: relaxed everywhere. The bucket is this one atomic word and
  // nothing else is published through it; read-modify-writes of one object are
  // totally ordered and a CAS only succeeds against the latest value, so no
  // update is lost. A failed CAS reloads `tat` and the pure decision reruns.
  std::int64_t tat = tat_units.load(std::memory_order_relaxed);
  for (;;) {
    if (is_stale(p, now_units, tat)) [[unlikely]] {
      // Whether this CAS or a concurrent update wins, the loop re-decides.
      const std::int64_t restart = empty_tat(p, now_units);
      if (tat_units.compare_exchange_weak(tat, restart, std::memory_order_relaxed,
                                          std::memory_order_relaxed)) {
        tat = restart;
      }
      continue;
    }
    const std::int64_t base = std::max(tat, now_units);
    if (!conforms(p, now_units, base, cost_units)) {
      if (tokens == 1) {
        return refused_result(p, now_ns, tat, cost_units);
      }
      throttle_result r = refused_result(p, now_ns, tat, cost_units);
      r.remaining = figures_at(p, now_ns, tat).remaining;
      return r;
    }
    const std::int64_t next = base + cost_units;
    if (tat_units.compare_exchange_weak(tat, next, std::memory_order_relaxed,
                                        std::memory_order_relaxed)) {
      const figures f = figures_at(p, now_ns, next);
      return throttle_result{true, f.remaining, 0, f.reset_after_ns};
    }
  }
}

}  // namespace

throttle_params throttle_params::make(double rate_per_s, std::int64_t burst) noexcept {
  throttle_params p;
  p.rate_per_s = rate_per_s;
  p.burst = burst;
  // NaN compares false, so it lands here too. A bucket of size 0 holds no
  // token whatever its refill rate.
  if (!(rate_per_s >= 0) || burst <= 0) {
    p.deny_all = true;
    p.units_per_ns = 1;
    p.units_per_token = 0;
    p.tolerance_units = 0;
    p.exact = false;
    p.max_now_ns = 0;
    return p;
  }
  p.deny_all = false;
  if (rate_per_s == 0) {
    // AWS's bucket holds burstLimit tokens and refills at rateLimit: at rate 0
    // the first `burst` requests pass and the rest never do. An infinite
    // interval has no integer form, so the clock is what stops instead: with
    // 0 units per ns the state counts tokens taken, one unit each.
    p.units_per_ns = 0;
    p.units_per_token = 1;
    p.tolerance_units = std::min(burst, max_tolerance_units);
    p.exact = true;
    p.max_now_ns = std::numeric_limits<std::int64_t>::max();
    return p;
  }
  const long double rate = std::min<long double>(rate_per_s, max_rate_per_s);
  const decimal_rate d = as_decimal(rate);
  std::int64_t u = 0;
  std::int64_t t = 0;
  if (d.found) {
    const std::int64_t ns_scale = ns_per_s * d.den;  // <= 1e15
    const std::int64_t g = std::gcd(d.num, ns_scale);
    u = d.num / g;
    t = ns_scale / g;
    p.exact = u <= max_units_per_ns && rate == static_cast<long double>(rate_per_s);
    if (u > max_units_per_ns) {
      // Exact integer ceiling of 1e9*den/num: never shorter than the true interval.
      u = 1;
      t = ns_scale / d.num + (ns_scale % d.num != 0 ? 1 : 0);
    }
  } else {
    u = 1;
    const long double interval_ns = std::ceil(static_cast<long double>(ns_per_s) / rate);
    t = interval_ns >= static_cast<long double>(max_units_per_token)
            ? max_units_per_token
            : static_cast<std::int64_t>(interval_ns);
    // Guard the long double rounding: the interval must not be shorter than 1e9/rate.
    if (t < max_units_per_token && static_cast<long double>(t) * rate < ns_per_s) {
      ++t;
    }
    p.exact = false;
  }
  t = std::clamp<std::int64_t>(t, 1, max_units_per_token);
  p.units_per_ns = u;
  p.units_per_token = t;
  // burst * T, clamped to a whole number of tokens below the cap.
  const std::int64_t max_burst = max_tolerance_units / t;
  p.tolerance_units = std::min(burst, max_burst) * t;
  p.max_now_ns = (std::numeric_limits<std::int64_t>::max() - p.tolerance_units - t - u) / u;
  return p;
}

throttle_result gcra_bucket::try_acquire(const throttle_params& p,
                                         std::int64_t now_mono_ns) noexcept {
  if (p.deny_all) {
    return deny_all_result();
  }
  return take(tat_units_, p, now_mono_ns, 1);
}

throttle_result gcra_bucket::try_acquire(const throttle_params& p, std::int64_t now_mono_ns,
                                         std::int64_t tokens) noexcept {
  if (p.deny_all) {
    return deny_all_result();
  }
  if (tokens < 1 || tokens > p.capacity_tokens()) {
    // The bucket never holds more than its size, so waiting cannot help
    // (checked before tokens * T is formed, which could overflow). The figures
    // describe the bucket as it is, since nothing was taken.
    const std::int64_t now_ns = clamp_now(p, now_mono_ns);
    const std::int64_t now_units = now_ns * p.units_per_ns;
    const std::int64_t tat = tat_seen(p, now_units, tat_units_.load(std::memory_order_relaxed));
    const figures f = figures_at(p, now_ns, std::max(tat, now_units));
    return throttle_result{false, f.remaining, -1, f.reset_after_ns};
  }
  return take(tat_units_, p, now_mono_ns, tokens);
}

void gcra_bucket::refund(const throttle_params& p) noexcept {
  if (p.deny_all) {
    return;
  }
  // Relaxed for the reason given in take. No clamp: a TAT at or before now
  // already reads as a full bucket, so an excess refund is simply forgotten.
  tat_units_.fetch_sub(p.units_per_token, std::memory_order_relaxed);
}

void gcra_bucket::refund(const throttle_params& p, std::int64_t tokens) noexcept {
  if (p.deny_all || tokens < 1) {
    return;
  }
  // Capped at the bucket's size before multiplying (no overflow): an
  // admission leaves the TAT at most a full bucket ahead of its reading, so a
  // bucket's size given back already reads as full, and the excess would be
  // forgotten anyway.
  const std::int64_t given = std::min(tokens, p.capacity_tokens());
  tat_units_.fetch_sub(given * p.units_per_token, std::memory_order_relaxed);
}

throttle_result gcra_bucket::peek(const throttle_params& p,
                                  std::int64_t now_mono_ns) const noexcept {
  if (p.deny_all) {
    return deny_all_result();
  }
  const std::int64_t now_ns = clamp_now(p, now_mono_ns);
  const std::int64_t now_units = now_ns * p.units_per_ns;
  const std::int64_t tat = tat_seen(p, now_units, tat_units_.load(std::memory_order_relaxed));
  const std::int64_t base = std::max(tat, now_units);
  if (!conforms(p, now_units, base, p.units_per_token)) {
    return refused_result(p, now_ns, tat, p.units_per_token);
  }
  const figures f = figures_at(p, now_ns, base + p.units_per_token);
  return throttle_result{true, f.remaining, 0, f.reset_after_ns};
}

}  // namespace ug::limiter
