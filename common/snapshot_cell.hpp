#pragma once
// RCU-style publication of an immutable snapshot: writers publish a new
// shared_ptr<const T>; readers keep a thread-local cached copy and refresh it
// only when the generation counter moved, so the read path is one relaxed
// atomic load, no lock and no reference-count traffic.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace ug::common {

template <class T>
class snapshot_cell {
 public:
  explicit snapshot_cell(std::shared_ptr<const T> first) : current_(std::move(first)) {}

  /// Thread-safe. Publishes `next`; readers see it at their next refresh.
  void publish(std::shared_ptr<const T> next) {
    std::lock_guard lock(mutex_);
    current_ = std::move(next);
    generation_.fetch_add(1, std::memory_order_release);
  }
  /// Thread-safe (takes the mutex): a counted reference to the current snapshot.
  [[nodiscard]] std::shared_ptr<const T> load() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  /// Thread-safe, lock-free.
  [[nodiscard]] std::uint64_t generation() const noexcept {
    return generation_.load(std::memory_order_acquire);
  }

  /// A per-thread (per-worker) view. Not thread-safe: one owner thread.
  class reader {
   public:
    explicit reader(const snapshot_cell& cell) : cell_(&cell) { refresh(); }
    /// Owner thread only. The current snapshot; refreshes (mutex) only after a publish.
    const T& get() noexcept {
      if (cell_->generation() != seen_) {
        refresh();
      }
      return *held_;
    }
    /// Owner thread only. Keeps the snapshot alive while a request uses it.
    [[nodiscard]] const std::shared_ptr<const T>& shared() noexcept {
      get();
      return held_;
    }

   private:
    void refresh() {
      seen_ = cell_->generation();
      held_ = cell_->load();
    }
    const snapshot_cell* cell_;
    std::uint64_t seen_ = 0;
    std::shared_ptr<const T> held_;
  };

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const T> current_;
  std::atomic<std::uint64_t> generation_{1};
};

}  // namespace ug::common
