#include "limiter/state_registry.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "limiter/fixed_pool.hpp"

namespace ug::limiter {
namespace {

enum class kind : std::uint8_t { bucket, key_plan };

/// One registered object. Ids live back to back in one buffer instead of one
/// std::string (and one map node) each: with a million keys this is most of
/// the registry's memory.
struct entry {
  std::shared_ptr<void> object;
  std::uint32_t id_offset = 0;
  std::uint32_t id_length : 31 = 0;
  std::uint32_t is_key_plan : 1 = 0;
};
static_assert(sizeof(entry) == 24);

std::size_t hash_of(kind k, std::string_view id) noexcept {
  return std::hash<std::string_view>{}(id) ^ (k == kind::key_plan ? 0x9E3779B97F4A7C15ULL : 0);
}

/// Grows by 1/4 instead of the usual doubling: the registry only grows at
/// config compile time, and with millions of ids doubling would leave up to
/// half of the largest buffers unused.
template <class V>
void reserve_for(V& v, std::size_t extra) {
  if (v.size() + extra > v.capacity()) {
    v.reserve(v.size() + extra + v.size() / 4 + 64);
  }
}

template <class T>
std::shared_ptr<T> make_pooled() {
  // Control block and object in one pooled block (24 bytes for a bucket,
  // 32 for a key-plan state), instead of a 32/48-byte malloc chunk.
  return std::allocate_shared<T>(pool_allocator<T>{});
}

/// "<plan length>:<plan><key>": the length prefix makes the split unambiguous,
/// so ("ab", "c") and ("a", "bc") can never share state.
std::string key_plan_id(std::string_view plan_id, std::string_view key_id) {
  std::string id = std::to_string(plan_id.size());
  id.reserve(id.size() + 1 + plan_id.size() + key_id.size());
  id += ':';
  id += plan_id;
  id += key_id;
  return id;
}

}  // namespace

/// Open addressing over positions in `entries` (position + 1; 0 is empty),
/// at load <= 1/2. Bucket ids and key-plan ids are separate namespaces: the
/// kind is part of both the hash and the equality.
struct state_registry::impl {
  mutable std::mutex mutex;
  std::vector<char> ids;
  std::vector<entry> entries;
  std::vector<std::uint32_t> slots;

  [[nodiscard]] std::string_view id_of(const entry& e) const noexcept {
    return std::string_view(ids.data() + e.id_offset, e.id_length);
  }

  [[nodiscard]] bool matches(const entry& e, kind k, std::string_view id) const noexcept {
    return (e.is_key_plan != 0) == (k == kind::key_plan) && id_of(e) == id;
  }

  /// The slot holding (k, id), or the empty slot where it would go.
  [[nodiscard]] std::size_t find_slot(kind k, std::string_view id) const noexcept {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t pos = hash_of(k, id) & mask;; pos = (pos + 1) & mask) {
      const std::uint32_t s = slots[pos];
      if (s == 0 || matches(entries[s - 1], k, id)) {
        return pos;
      }
    }
  }

  void rebuild_slots(std::size_t capacity) {
    slots.assign(capacity, 0);
    const std::size_t mask = capacity - 1;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const entry& e = entries[i];
      std::size_t pos =
          hash_of(e.is_key_plan != 0 ? kind::key_plan : kind::bucket, id_of(e)) & mask;
      while (slots[pos] != 0) {
        pos = (pos + 1) & mask;
      }
      slots[pos] = static_cast<std::uint32_t>(i + 1);
    }
  }

  template <class T>
  std::shared_ptr<T> find_or_create(kind k, std::string_view id) {
    if (slots.empty()) {
      rebuild_slots(16);
    }
    std::size_t pos = find_slot(k, id);
    if (slots[pos] != 0) {
      return std::static_pointer_cast<T>(entries[slots[pos] - 1].object);
    }
    if (ids.size() + id.size() > UINT32_MAX || id.size() >= (std::size_t{1} << 31) ||
        entries.size() + 1 >= UINT32_MAX) {
      throw std::length_error("state_registry: too many ids");
    }
    auto created = make_pooled<T>();
    entry e;
    e.object = created;
    e.id_offset = static_cast<std::uint32_t>(ids.size());
    e.id_length = static_cast<std::uint32_t>(id.size());
    e.is_key_plan = k == kind::key_plan ? 1 : 0;
    reserve_for(ids, id.size());
    reserve_for(entries, 1);
    ids.insert(ids.end(), id.begin(), id.end());
    entries.push_back(std::move(e));
    if (2 * entries.size() > slots.size()) {
      rebuild_slots(2 * slots.size());
    } else {
      slots[pos] = static_cast<std::uint32_t>(entries.size());
    }
    return created;
  }

  std::size_t collect() {
    // use_count() == 1: only this registry holds it. Nobody can take a new
    // reference meanwhile: every other path to the entry goes through the
    // mutex the caller holds. Survivors are compacted (ids and entries), so
    // memory follows the live set after keys are deleted.
    std::size_t live = 0;
    std::size_t live_id_bytes = 0;
    for (const entry& e : entries) {
      if (e.object.use_count() != 1) {
        ++live;
        live_id_bytes += e.id_length;
      }
    }
    std::vector<char> kept_ids;
    std::vector<entry> kept;
    kept_ids.reserve(live_id_bytes);
    kept.reserve(live);
    for (entry& e : entries) {
      if (e.object.use_count() == 1) {
        continue;
      }
      const std::string_view id = id_of(e);
      e.id_offset = static_cast<std::uint32_t>(kept_ids.size());
      kept_ids.insert(kept_ids.end(), id.begin(), id.end());
      kept.push_back(std::move(e));
    }
    const std::size_t dropped = entries.size() - kept.size();
    ids = std::move(kept_ids);
    entries = std::move(kept);
    rebuild_slots(std::bit_ceil(std::max<std::size_t>(16, 2 * entries.size() + 2)));
    return dropped;
  }
};

state_registry::state_registry() : impl_(std::make_unique<impl>()) {}
state_registry::~state_registry() = default;

std::shared_ptr<gcra_bucket> state_registry::bucket(std::string_view id) {
  std::lock_guard lock(impl_->mutex);
  return impl_->find_or_create<gcra_bucket>(kind::bucket, id);
}

std::shared_ptr<key_plan_state> state_registry::key_plan(std::string_view plan_id,
                                                         std::string_view key_id) {
  const std::string id = key_plan_id(plan_id, key_id);
  std::lock_guard lock(impl_->mutex);
  return impl_->find_or_create<key_plan_state>(kind::key_plan, id);
}

std::shared_ptr<key_plan_state> state_registry::find_key_plan(std::string_view plan_id,
                                                              std::string_view key_id) const {
  const std::string id = key_plan_id(plan_id, key_id);
  std::lock_guard lock(impl_->mutex);
  if (impl_->slots.empty()) {
    return nullptr;
  }
  const std::uint32_t s = impl_->slots[impl_->find_slot(kind::key_plan, id)];
  if (s == 0) {
    return nullptr;
  }
  return std::static_pointer_cast<key_plan_state>(impl_->entries[s - 1].object);
}

std::size_t state_registry::collect_unused() {
  std::lock_guard lock(impl_->mutex);
  return impl_->collect();
}

std::size_t state_registry::size() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->entries.size();
}

void state_registry::set_journal(quota_journal* journal) noexcept {
  journal_.store(journal, std::memory_order_release);
}

quota_journal* state_registry::journal() const noexcept {
  return journal_.load(std::memory_order_acquire);
}

void state_registry::set_plan_start_ledger(plan_start_ledger* ledger) noexcept {
  plan_starts_.store(ledger, std::memory_order_release);
}

plan_start_ledger& state_registry::plan_starts() noexcept {
  plan_start_ledger* set = plan_starts_.load(std::memory_order_acquire);
  return set != nullptr ? *set : memory_plan_starts_;
}

}  // namespace ug::limiter
