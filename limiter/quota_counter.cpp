#include "limiter/quota_counter.hpp"

#include <algorithm>

namespace ug::limiter {
namespace {

static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

// Word layout: [ period tag : 24 | used : 40 (two's complement) ].
constexpr int used_bits = 40;
constexpr int tag_bits = 64 - used_bits;
constexpr std::uint64_t used_mask = (std::uint64_t{1} << used_bits) - 1;
constexpr std::uint64_t tag_mask = (std::uint64_t{1} << tag_bits) - 1;
constexpr std::int64_t tag_half = std::int64_t{1} << (tag_bits - 1);
constexpr std::int64_t max_used = (std::int64_t{1} << (used_bits - 1)) - 1;
constexpr std::int64_t min_used = -(std::int64_t{1} << (used_bits - 1));

constexpr std::uint64_t tag_of_index(std::int64_t index) noexcept {
  return static_cast<std::uint64_t>(index) & tag_mask;
}
constexpr std::uint64_t tag_of_word(std::uint64_t word) noexcept {
  return word >> used_bits;
}
constexpr std::int64_t used_of_word(std::uint64_t word) noexcept {
  // Sign-extend the low 40 bits (arithmetic right shift is defined in C++20).
  return static_cast<std::int64_t>(word << tag_bits) >> tag_bits;
}
constexpr std::uint64_t pack(std::int64_t index, std::int64_t used) noexcept {
  return (tag_of_index(index) << used_bits) | (static_cast<std::uint64_t>(used) & used_mask);
}

/// How many periods the word is ahead of `index` (negative: behind), read
/// modulo 2^24 as the nearest of the two directions. The never-used word 0 is
/// always "behind", so a fresh counter rolls over into the caller's period.
std::int64_t periods_ahead(std::uint64_t word, std::int64_t index) noexcept {
  if (word == 0) {
    return -1;
  }
  std::int64_t d = static_cast<std::int64_t>((tag_of_word(word) - tag_of_index(index)) & tag_mask);
  if (d >= tag_half) {
    d -= std::int64_t{1} << tag_bits;
  }
  return d;
}

std::int64_t effective_limit(const quota_params& p, std::int64_t index) noexcept {
  std::int64_t limit = std::min(p.limit, max_used);
  if (index == p.first_period_index) {
    limit -= std::clamp<std::int64_t>(p.first_period_reduction, 0, max_used);
  }
  return limit;
}

/// The period a request counts in and what it finds there, from one word.
struct view {
  period_bounds bounds;
  std::int64_t used = 0;
  std::int64_t limit = 0;
};

view read_view(const quota_params& p, const period_bounds& now_period,
               std::uint64_t word) noexcept {
  view v{now_period, 0, 0};
  const std::int64_t ahead = periods_ahead(word, now_period.index);
  if (ahead == 0) {
    v.used = used_of_word(word);
  } else if (ahead > 0) {
    // Our reading is older than one another thread already counted with (it
    // crossed the boundary first): the request happens now, so it counts in
    // that later period, under that period's limit.
    v.bounds = period_with_index(p.period, p.start_day_offset, now_period.index + ahead);
    v.used = used_of_word(word);
  }
  // ahead < 0: the word holds an older period; this one starts at zero.
  v.limit = effective_limit(p, v.bounds.index);
  return v;
}

quota_result result_of(const view& v, bool allowed, std::int64_t used_after,
                       std::int64_t now_utc_ns) noexcept {
  quota_result r;
  r.allowed = allowed;
  r.limit = std::max<std::int64_t>(0, v.limit);
  r.remaining = std::max<std::int64_t>(0, v.limit - used_after);
  r.reset_after_ns = std::max<std::int64_t>(0, v.bounds.end_utc_ns - now_utc_ns);
  r.period_index = v.bounds.index;
  return r;
}

period_bounds current_period(const quota_params& p, std::int64_t now_utc_ns) noexcept {
  return period_containing(p.period, p.start_day_offset, now_utc_ns);
}

// Memory order: relaxed everywhere. The counter is this one word; no other data
// is published through it. Read-modify-writes of one atomic are totally ordered
// and a CAS succeeds only against the latest value, so the period tag and the
// count always change together and no increment is lost or doubled.

/// try_consume for any count, inlined into both overloads so that the
/// one-request path, with the constant 1, compiles to what it would be alone.
[[gnu::always_inline]] inline quota_result consume(std::atomic<std::uint64_t>& counter,
                                                   const quota_params& p, std::int64_t now_utc_ns,
                                                   std::int64_t count) noexcept {
  const period_bounds now_period = current_period(p, now_utc_ns);
  std::uint64_t word = counter.load(std::memory_order_relaxed);
  for (;;) {
    const view v = read_view(p, now_period, word);
    // limit - used is within +-2^40, so the test cannot overflow whatever the
    // count; passing it, used + count <= limit <= max_used fits the field.
    if (count < 1 || count > v.limit - v.used) {
      return result_of(v, false, v.used, now_utc_ns);
    }
    if (counter.compare_exchange_weak(word, pack(v.bounds.index, v.used + count),
                                      std::memory_order_relaxed, std::memory_order_relaxed)) {
      return result_of(v, true, v.used + count, now_utc_ns);
    }
  }
}

/// refund for a count >= 1.
[[gnu::always_inline]] inline void give_back(std::atomic<std::uint64_t>& counter,
                                             std::int64_t period_index,
                                             std::int64_t count) noexcept {
  std::uint64_t word = counter.load(std::memory_order_relaxed);
  for (;;) {
    if (word == 0 || tag_of_word(word) != tag_of_index(period_index)) {
      return;  // rolled over (or never counted): nothing of that period to give back
    }
    // Capped before subtracting, so that a huge count cannot overflow.
    const std::int64_t used_before = used_of_word(word);
    const std::int64_t used = used_before - std::min(count, used_before - min_used);
    if (counter.compare_exchange_weak(word, pack(period_index, used), std::memory_order_relaxed,
                                      std::memory_order_relaxed)) {
      return;
    }
  }
}

}  // namespace

quota_result quota_counter::try_consume(const quota_params& p, std::int64_t now_utc_ns) noexcept {
  return consume(word_, p, now_utc_ns, 1);
}

quota_result quota_counter::try_consume(const quota_params& p, std::int64_t now_utc_ns,
                                        std::int64_t count) noexcept {
  return consume(word_, p, now_utc_ns, count);
}

void quota_counter::refund(std::int64_t period_index) noexcept {
  give_back(word_, period_index, 1);
}

void quota_counter::refund(std::int64_t period_index, std::int64_t count) noexcept {
  if (count >= 1) {
    give_back(word_, period_index, count);
  }
}

std::int64_t quota_counter::used_leaving(const quota_params& p, std::int64_t period_index,
                                         std::int64_t remaining) noexcept {
  const std::int64_t limit = effective_limit(p, period_index);
  const std::int64_t wanted = std::clamp<std::int64_t>(remaining, 0, max_used);
  // A negative count is an extension: remaining = limit - used > limit.
  return std::clamp(limit - wanted, min_used, max_used);
}

quota_set_result quota_counter::set_remaining(const quota_params& p, std::int64_t now_utc_ns,
                                              std::int64_t remaining) noexcept {
  const period_bounds now_period = current_period(p, now_utc_ns);
  const std::int64_t used = used_leaving(p, now_period.index, remaining);
  std::uint64_t word = word_.load(std::memory_order_relaxed);
  for (;;) {
    const std::int64_t ahead = periods_ahead(word, now_period.index);
    if (ahead > 0) {
      // Writing our period's tag would move the counter back and drop what
      // was counted in the later one; the set belonged to a period that ended.
      const std::int64_t found = used_of_word(word);
      return quota_set_result{false, now_period.index + ahead, found, found};
    }
    const std::int64_t before = ahead == 0 ? used_of_word(word) : 0;
    // A CAS rather than a store: the caller learns exactly which count it
    // replaced (the journal still owes those requests to the day's usage).
    if (word_.compare_exchange_weak(word, pack(now_period.index, used), std::memory_order_relaxed,
                                    std::memory_order_relaxed)) {
      return quota_set_result{true, now_period.index, before, used};
    }
  }
}

quota_result quota_counter::peek(const quota_params& p, std::int64_t now_utc_ns) const noexcept {
  const view v = read_view(p, current_period(p, now_utc_ns), word_.load(std::memory_order_relaxed));
  const bool allowed = v.used < v.limit;
  return result_of(v, allowed, allowed ? v.used + 1 : v.used, now_utc_ns);
}

std::int64_t quota_counter::used(const quota_params& p, std::int64_t now_utc_ns) const noexcept {
  const std::uint64_t word = word_.load(std::memory_order_relaxed);
  return periods_ahead(word, current_period(p, now_utc_ns).index) == 0 ? used_of_word(word) : 0;
}

void quota_counter::restore(std::int64_t period_index, std::int64_t used) noexcept {
  const std::uint64_t next = pack(period_index, std::clamp(used, min_used, max_used));
  std::uint64_t word = word_.load(std::memory_order_relaxed);
  // Never move the counter back to an older period than it already counts in.
  while (periods_ahead(word, period_index) <= 0) {
    if (word_.compare_exchange_weak(word, next, std::memory_order_relaxed,
                                    std::memory_order_relaxed)) {
      return;
    }
  }
}

}  // namespace ug::limiter
