#pragma once
// How a bucket's state survives a change of its limits (a reload): through
// tokens, never through units, since a bucket's units depend on its rate.
#include <cstdint>

#include "limiter/throttle.hpp"

namespace ug::limiter {

/// Thread-safe (pure), never throws. The state under `to` that holds, at
/// `now_mono_ns`, the tokens a bucket in state `tat_units` holds under
/// `from`, where
///
///   spent  = tokens taken and not refilled yet under `from` (at most its burst)
///   tokens = min(to burst, max(from burst - spent, to burst - spent))
///
/// so a raise never takes a token away and makes the added burst usable at
/// once (what was spent stays spent), and a lowering keeps the tokens left,
/// capped at the new burst. A bucket that held no token (burst 0) has spent
/// none and starts full. Rounded toward fewer tokens, by under one unit of `to`.
[[nodiscard]] std::int64_t carried_over_tat(const throttle_params& from, const throttle_params& to,
                                            std::int64_t now_mono_ns,
                                            std::int64_t tat_units) noexcept;

/// Thread-safe (pure). True when a state word means the same under `a` and `b`
/// (same units, token cost and size), so a change between them needs no carry-over.
[[nodiscard]] bool same_units(const throttle_params& a, const throttle_params& b) noexcept;

}  // namespace ug::limiter
