#include "gateway/telemetry/metrics_key_series.hpp"

#include <algorithm>

namespace ug::gateway {

void key_series_selector::promote(key_state& s) noexcept {
  s.named = true;
  if (s.fresh)
    return;  // nothing of it was ever in "__other__": keep it all
  for (std::size_t o = 0; o < outcome_count; ++o) {
    s.other_acc[o] += (*s.now)[o] - s.mark[o];
    s.mark[o] = (*s.now)[o];
  }
}

void key_series_selector::demote(key_state& s) noexcept {
  for (std::size_t o = 0; o < outcome_count; ++o) {
    s.named_acc[o] += (*s.now)[o] - s.mark[o];
    s.mark[o] = (*s.now)[o];
  }
  s.named = false;
}

void key_series_selector::select(std::vector<state_map::value_type*>& entries) {
  // Heaviest first; ties by key id so the choice is deterministic.
  const auto heavier = [](const state_map::value_type* a, const state_map::value_type* b) {
    if (a->second.weight != b->second.weight)
      return a->second.weight > b->second.weight;
    return a->first < b->first;
  };
  std::vector<state_map::value_type*> unnamed;
  std::vector<state_map::value_type*> named;
  for (auto* e : entries)
    (e->second.named ? named : unnamed).push_back(e);
  std::sort(unnamed.begin(), unnamed.end(), heavier);
  std::sort(named.begin(), named.end(), [&](auto* a, auto* b) { return heavier(b, a); });

  std::size_t next = 0;
  // Free slots go to the heaviest unnamed keys that have any traffic.
  while (named_count_ < max_named_ && next < unnamed.size() && unnamed[next]->second.weight > 0) {
    promote(unnamed[next++]->second);
    ++named_count_;
  }
  // Full: a challenger must beat the lightest named key by more than 10%.
  for (std::size_t weakest = 0; next < unnamed.size() && weakest < named.size();
       ++next, ++weakest) {
    key_state& challenger = unnamed[next]->second;
    key_state& incumbent = named[weakest]->second;
    if (challenger.weight <= incumbent.weight + incumbent.weight / 10)
      break;
    demote(incumbent);
    promote(challenger);
  }
}

std::vector<key_series_selector::series> key_series_selector::update(const totals_map& totals,
                                                                     const counts& unattributed) {
  std::vector<state_map::value_type*> entries;
  entries.reserve(totals.size());
  for (const auto& [key, now] : totals) {
    auto it = keys_.find(key);
    if (it == keys_.end())
      it = keys_.emplace(std::string(key), key_state{}).first;
    key_state& s = it->second;
    s.now = &now;
    s.weight = 0;
    for (const auto c : now)
      s.weight += c;
    entries.push_back(&*it);
  }
  // A key missing from `totals` (cannot happen with append-only worker
  // tables) keeps its last totals so that nothing is lost.
  for (auto& e : keys_) {
    if (e.second.now == nullptr)
      e.second.now = &e.second.mark;
  }

  select(entries);

  std::vector<series> out;
  out.reserve(named_count_ + 1);
  series other{std::string(other_key_label), unattributed, {}};
  for (auto& [key, s] : keys_) {
    for (std::size_t o = 0; o < outcome_count; ++o) {
      const std::uint64_t since_mark = (*s.now)[o] - s.mark[o];
      other.values[o] += s.other_acc[o] + (s.named ? 0 : since_mark);
    }
    if (s.named) {
      series named{key, {}, *s.now};
      for (std::size_t o = 0; o < outcome_count; ++o) {
        named.values[o] = s.named_acc[o] + ((*s.now)[o] - s.mark[o]);
      }
      out.push_back(std::move(named));
    }
    s.now = nullptr;  // the totals map dies with this call
    s.fresh = false;
  }
  other.totals = other.values;
  std::sort(out.begin(), out.end(), [](const series& a, const series& b) { return a.key < b.key; });
  out.push_back(std::move(other));
  return out;
}

}  // namespace ug::gateway
