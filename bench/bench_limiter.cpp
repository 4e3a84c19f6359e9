// Decision cost of the limiter core: one hot bucket (one token, and batches of
// tokens), one bucket under two threads, a million keys with a skewed
// (Zipf-like) popularity, a quota counter, and the full AWS admission (key
// lookup + 5 throttles + quota). Time is advanced by a fixed step per request
// instead of reading the clock, so only the decision is measured. Memory per
// key is reported as counters.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "limiter/admission.hpp"
#include "limiter/constant_time.hpp"
#include "limiter/key_table.hpp"
#include "limiter/state_registry.hpp"
#include "limiter/throttle.hpp"

namespace {

using namespace ug::limiter;

constexpr std::size_t million = 1'000'000;
constexpr std::size_t sequence_length = std::size_t{1} << 20;  // precomputed key draws
constexpr std::int64_t step_ns = 20;                           // between two requests
constexpr std::int64_t start_utc_ns = 1'700'000'000'000'000'000;

/// Heap bytes in use, including the large blocks malloc serves with mmap.
std::size_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

/// Key ranks drawn with P(rank r) proportional to 1/(r+1)^s, mapped through a
/// random permutation so hot keys are scattered over memory.
std::vector<std::uint32_t> zipf_sequence(std::size_t n, double s, std::uint64_t seed,
                                         std::size_t length = sequence_length) {
  std::vector<double> cdf(n);
  double sum = 0;
  for (std::size_t r = 0; r < n; ++r) {
    sum += 1.0 / std::pow(static_cast<double>(r + 1), s);
    cdf[r] = sum;
  }
  std::vector<std::uint32_t> key_of_rank(n);
  std::iota(key_of_rank.begin(), key_of_rank.end(), 0U);
  std::mt19937_64 rng(seed);
  std::shuffle(key_of_rank.begin(), key_of_rank.end(), rng);
  std::uniform_real_distribution<double> u(0, sum);
  std::vector<std::uint32_t> seq(length);
  for (auto& k : seq) {
    const auto rank =
        static_cast<std::size_t>(std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin());
    k = key_of_rank[std::min(rank, n - 1)];
  }
  return seq;
}

/// 40-character key values like AWS's (20..128 characters).
std::string key_value(std::uint64_t i) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string s(40, 'k');
  std::mt19937_64 rng(i * 0x9E3779B97F4A7C15ULL + 1);
  for (std::size_t pos = 0; pos < 32; ++pos) {
    s[pos] = alphabet[rng() % 62];
  }
  for (std::size_t pos = 0; pos < 8; ++pos) {
    s[32 + pos] = alphabet[(i >> (pos * 5)) & 31];
  }
  return s;
}

/// A monthly quota of `limit` requests whose plan started long ago, so no
/// period is a first, reduced one.
quota_params monthly_quota(std::int64_t limit) {
  quota_params q;
  q.limit = limit;
  q.period = quota_period::month;
  q.first_period_index = -1;
  return q;
}

/// The share of the run's decisions that admitted, as the counter every
/// admitting benchmark reports.
void report_admitted_ratio(benchmark::State& state, std::int64_t admitted) {
  state.counters["admitted_ratio"] =
      static_cast<double>(admitted) / static_cast<double>(state.iterations());
}

// ---------------------------------------------------------------------------

void BM_HotKeyTryAcquire(benchmark::State& state) {
  // Generous limits: the common, admitted path (one load, one CAS).
  const throttle_params p = throttle_params::make(1e8, 1'000'000);
  gcra_bucket bucket;
  std::int64_t now = 1'000'000'000;
  std::int64_t admitted = 0;
  for (auto _ : state) {
    admitted += bucket.try_acquire(p, now).allowed ? 1 : 0;
    now += step_ns;
  }
  report_admitted_ratio(state, admitted);
}
BENCHMARK(BM_HotKeyTryAcquire);

void BM_HotKeyRefused(benchmark::State& state) {
  const throttle_params p = throttle_params::make(1, 1);
  gcra_bucket bucket;
  const std::int64_t now = 1'000'000'000;
  (void)bucket.try_acquire(p, now);
  for (auto _ : state) {
    benchmark::DoNotOptimize(bucket.try_acquire(p, now));
  }
}
BENCHMARK(BM_HotKeyRefused);

void BM_HotKeyTryAcquireTokens(benchmark::State& state) {
  // Batches of range(0) tokens at once (cluster leases, LLM token estimates);
  // time moves on by one step per token, so the bucket refills faster than
  // the batches drain it (the admitted path, as in BM_HotKeyTryAcquire).
  const std::int64_t tokens = state.range(0);
  const throttle_params p = throttle_params::make(1e8, 1'000'000);
  gcra_bucket bucket;
  std::int64_t now = 1'000'000'000;
  std::int64_t admitted = 0;
  for (auto _ : state) {
    admitted += bucket.try_acquire(p, now, tokens).allowed ? 1 : 0;
    now += step_ns * tokens;
  }
  report_admitted_ratio(state, admitted);
}
BENCHMARK(BM_HotKeyTryAcquireTokens)->Arg(1)->Arg(16)->Arg(1000);

void BM_HotKeyTokensRefused(benchmark::State& state) {
  // A batch the empty bucket cannot hold yet: the retry time for all of them.
  const throttle_params p = throttle_params::make(1, 100);
  gcra_bucket bucket;
  const std::int64_t now = 1'000'000'000;
  (void)bucket.try_acquire(p, now, 100);
  for (auto _ : state) {
    benchmark::DoNotOptimize(bucket.try_acquire(p, now, 10));
  }
}
BENCHMARK(BM_HotKeyTokensRefused);

void BM_ReserveAndRefundTokens(benchmark::State& state) {
  // The LLM budget: reserve an estimate, give back the unused part.
  const throttle_params p = throttle_params::make(1e8, 10'000'000);
  gcra_bucket bucket;
  std::int64_t now = 1'000'000'000;
  std::int64_t admitted = 0;
  for (auto _ : state) {
    if (bucket.try_acquire(p, now, 1000).allowed) {
      bucket.refund(p, 600);
      ++admitted;
    }
    now += step_ns * 400;
  }
  report_admitted_ratio(state, admitted);
}
BENCHMARK(BM_ReserveAndRefundTokens);

void BM_QuotaTryConsume(benchmark::State& state) {
  const quota_params q = monthly_quota(1'000'000'000'000);
  quota_counter counter;
  std::int64_t now = start_utc_ns;
  for (auto _ : state) {
    benchmark::DoNotOptimize(counter.try_consume(q, now));
    now += step_ns;
  }
}
BENCHMARK(BM_QuotaTryConsume);

void BM_QuotaTryConsumeCount(benchmark::State& state) {
  const quota_params q = monthly_quota(1'000'000'000'000);
  quota_counter counter;
  std::int64_t now = start_utc_ns;
  for (auto _ : state) {
    const quota_result r = counter.try_consume(q, now, 1000);
    counter.refund(r.period_index, 600);
    benchmark::DoNotOptimize(r);
    now += step_ns;
  }
}
BENCHMARK(BM_QuotaTryConsumeCount);

void BM_HotKeyContended(benchmark::State& state) {
  // Fresh per run (thread 0 resets it while the others wait at the start).
  static gcra_bucket* shared = nullptr;
  if (state.thread_index() == 0) {
    delete shared;
    shared = new gcra_bucket;
  }
  // Each thread brings its own reading of a clock advancing at 2 x 1/step.
  const throttle_params p = throttle_params::make(1e8, 1'000'000);
  std::int64_t now = 1'000'000'000 + state.thread_index();
  for (auto _ : state) {
    benchmark::DoNotOptimize(shared->try_acquire(p, now));
    now += step_ns;
  }
}
BENCHMARK(BM_HotKeyContended)->Threads(2)->UseRealTime();

void BM_MillionKeysZipf(benchmark::State& state) {
  const throttle_params p = throttle_params::make(100, 200);
  const std::vector<std::uint32_t> seq = zipf_sequence(million, 1.0, 42);
  const auto buckets = std::make_unique<gcra_bucket[]>(million);
  std::int64_t now = 1'000'000'000;
  std::size_t i = 0;
  std::int64_t admitted = 0;
  for (auto _ : state) {
    const throttle_result r = buckets[seq[i]].try_acquire(p, now);
    admitted += r.allowed ? 1 : 0;
    i = (i + 1) & (sequence_length - 1);
    now += step_ns;
  }
  report_admitted_ratio(state, admitted);
}
BENCHMARK(BM_MillionKeysZipf);

// ---------------------------------------------------------------------------
// Full admission: x-api-key lookup, then plan_method, plan, stage_method,
// stage and account throttles, then the key's monthly quota.

constexpr std::size_t key_length = 40;

/// What the gateway's compiled snapshot keeps per key: pointers into the
/// state registry, in one contiguous array indexed by the key table's payload.
struct key_record {
  key_plan_state* plan = nullptr;      // plan bucket + quota
  gcra_bucket* plan_method = nullptr;  // plan per-method bucket
};

struct world {
  key_table keys;
  state_registry registry;
  std::vector<std::shared_ptr<void>> owners;  // what the snapshot holds
  std::vector<key_record> records;
  std::shared_ptr<gcra_bucket> stage_method, stage, account;  // shared by everyone
  throttle_params plan_method_p, plan_p, stage_method_p, stage_p, account_p;
  quota_params quota;
  /// The presented x-api-key values, in request order, back to back: like a
  /// request buffer, they are read sequentially (prefetched), not chased. For
  /// small key sets the sequence is short enough to stay in L2, as a request
  /// header just parsed would be.
  std::string presented;
  std::size_t presented_mask = 0;
  /// Time carries on across the repeated runs Google Benchmark makes, so
  /// bucket state never sees time go backwards.
  instant now{1'000'000'000, start_utc_ns};
  double key_table_bytes_per_key = 0;
  double key_table_heap_per_key = 0;
  double state_heap_per_key = 0;
};

world& shared_world(std::size_t n, double skew) {
  // One world per (n, skew), built once outside any timed region.
  static std::vector<std::pair<std::pair<std::size_t, double>, std::unique_ptr<world>>> worlds;
  for (auto& [k, w] : worlds) {
    if (k.first == n && k.second == skew) {
      return *w;
    }
  }
  auto w = std::make_unique<world>();
  {
    std::vector<key_table::entry> entries(n);
    for (std::size_t i = 0; i < n; ++i) {
      entries[i].value = key_value(i);
      entries[i].index = static_cast<std::uint32_t>(i);
    }
    const std::size_t before = heap_in_use();
    w->keys = key_table(entries);
    w->key_table_heap_per_key = static_cast<double>(heap_in_use() - before) / n;
  }
  w->key_table_bytes_per_key = static_cast<double>(w->keys.memory_bytes()) / n;

  // Per-key state as the config compiler creates it: through the registry,
  // under ids like AWS's (plan id + 10-character key id), pointers kept in a
  // contiguous per-key array.
  w->owners.reserve(2 * n);
  w->records.resize(n);
  const std::size_t before_state = heap_in_use();
  for (std::size_t i = 0; i < n; ++i) {
    char key_id[24];
    std::snprintf(key_id, sizeof key_id, "k%09zu", i);
    auto plan = w->registry.key_plan("plan01", key_id);
    char bucket_id[48];
    std::snprintf(bucket_id, sizeof bucket_id, "pm/plan01/%s//GET", key_id);
    auto method = w->registry.bucket(bucket_id);
    w->records[i] = key_record{plan.get(), method.get()};
    w->owners.push_back(std::move(plan));
    w->owners.push_back(std::move(method));
  }
  w->state_heap_per_key = static_cast<double>(heap_in_use() - before_state) / n;
  w->stage_method = w->registry.bucket("sm/api/prod/~1v1~1chat/POST");
  w->stage = w->registry.bucket("s/api/prod/*/*");
  w->account = w->registry.bucket("account");
  // Limits the load fits in: the measured path is the admitted one, which is
  // the most expensive (six CAS updates; a refusal stops early).
  w->plan_method_p = throttle_params::make(1e8, 1'000'000);
  w->plan_p = throttle_params::make(1e8, 1'000'000);
  w->stage_method_p = throttle_params::make(1e8, 1'000'000);
  w->stage_p = throttle_params::make(1e8, 1'000'000);
  w->account_p = throttle_params::make(1e8, 1'000'000);
  w->quota = monthly_quota(1'000'000'000);
  const std::size_t length = n > 65'536 ? sequence_length : std::size_t{4096};
  const std::vector<std::uint32_t> seq = zipf_sequence(n, skew, 7, length);
  w->presented_mask = length - 1;
  w->presented.reserve(seq.size() * key_length);
  for (std::uint32_t k : seq) {
    w->presented += key_value(k);
  }
  worlds.emplace_back(std::pair{n, skew}, std::move(w));
  return *worlds.back().second;
}

/// Arguments: key count, Zipf exponent * 100.
world& world_for(const benchmark::State& state) {
  return shared_world(static_cast<std::size_t>(state.range(0)),
                      static_cast<double>(state.range(1)) / 100.0);
}

void BM_FullAdmission(benchmark::State& state) {
  world& w = world_for(state);
  instant now = w.now;
  std::size_t i = 0;
  std::int64_t admitted = 0;
  for (auto _ : state) {
    const std::string_view presented(w.presented.data() + i * key_length, key_length);
    if (const std::optional<std::uint32_t> key = w.keys.find(presented)) {
      const key_record& k = w.records[*key];
      admission_chain chain;
      chain.add(&w.plan_method_p, k.plan_method, limit_level::plan_method);
      chain.add(&w.plan_p, &k.plan->plan_bucket, limit_level::plan);
      chain.add(&w.stage_method_p, w.stage_method.get(), limit_level::stage_method);
      chain.add(&w.stage_p, w.stage.get(), limit_level::stage);
      chain.add(&w.account_p, w.account.get(), limit_level::account);
      chain.quota = &w.quota;
      chain.counter = &k.plan->quota;
      const admission_result r = admit(chain, now);
      admitted += r.allowed() ? 1 : 0;
      benchmark::DoNotOptimize(r);
    }
    i = (i + 1) & w.presented_mask;
    now.mono_ns += step_ns;
    now.utc_ns += step_ns;
  }
  w.now = now;
  report_admitted_ratio(state, admitted);
  state.counters["key_table_bytes_per_key"] = w.key_table_bytes_per_key;
  state.counters["key_table_heap_per_key"] = w.key_table_heap_per_key;
  state.counters["state_heap_per_key"] = w.state_heap_per_key;
  state.counters["bytes_per_key"] = w.key_table_heap_per_key + w.state_heap_per_key;
}
// 1 M keys with Zipf exponents 1.0 and 1.2 (1.2: the heavy clients dominate),
// and 1,000 keys (everything cache-resident: the pure decision cost).
BENCHMARK(BM_FullAdmission)->Args({1'000'000, 100})->Args({1'000'000, 120})->Args({1'000, 100});

void BM_KeyLookup(benchmark::State& state) {
  world& w = world_for(state);
  std::size_t i = 0;
  for (auto _ : state) {
    const std::string_view presented(w.presented.data() + i * key_length, key_length);
    benchmark::DoNotOptimize(w.keys.find(presented));
    i = (i + 1) & w.presented_mask;
  }
}
BENCHMARK(BM_KeyLookup)->Args({1'000'000, 100})->Args({1'000, 100});

void BM_KeyLookupMiss(benchmark::State& state) {
  world& w = world_for(state);
  std::string unknown;
  for (std::size_t i = 0; i < 1024; ++i) {
    unknown += key_value(10'000'000 + i);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        w.keys.find(std::string_view(unknown.data() + i * key_length, key_length)));
    i = (i + 1) & 1023;
  }
}
BENCHMARK(BM_KeyLookupMiss)->Args({1'000'000, 100});

}  // namespace

namespace {

void BM_ConstantTimeEqual40(benchmark::State& state) {
  const std::string a = key_value(1);
  std::string b = a;
  for (auto _ : state) {
    benchmark::DoNotOptimize(b);
    benchmark::DoNotOptimize(ug::limiter::constant_time_equal(a, b));
  }
}
BENCHMARK(BM_ConstantTimeEqual40);

void BM_PeriodMonth(benchmark::State& state) {
  std::int64_t now = start_utc_ns;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        ug::limiter::period_containing(ug::limiter::quota_period::month, 0, now));
    now += step_ns;
  }
}
BENCHMARK(BM_PeriodMonth);

}  // namespace

namespace {

/// admit() alone: one key, five throttles and the quota, all admitted.
void BM_AdmitSixLimits(benchmark::State& state) {
  std::array<throttle_params, limit_level_count> params;
  params.fill(throttle_params::make(1e8, 1'000'000));
  std::array<gcra_bucket, limit_level_count> buckets;
  const quota_params quota = monthly_quota(1'000'000'000'000);
  quota_counter counter;
  admission_chain chain;
  for (std::size_t i = 0; i < limit_level_count; ++i) {
    chain.add(&params[i], &buckets[i], static_cast<limit_level>(i));
  }
  chain.quota = &quota;
  chain.counter = &counter;
  instant now{1'000'000'000, start_utc_ns};
  for (auto _ : state) {
    benchmark::DoNotOptimize(admit(chain, now));
    now.mono_ns += step_ns;
    now.utc_ns += step_ns;
  }
}
BENCHMARK(BM_AdmitSixLimits);

}  // namespace
