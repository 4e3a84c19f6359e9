#pragma once
// One worker's time series of one kind: an append-only table of rows (label
// values + counters), written by the owning worker and read by the scraper
// without a lock.
//
// Publication: rows live in fixed-size chunks that never move. The owner fills
// row i (labels and zeroed counters) and then release-stores size = i + 1; a
// reader acquire-loads the size and touches only rows below it, whose labels
// are immutable from then on and whose counters are atomics. The chunk
// directory is a fixed array of atomic pointers, so growing never moves
// anything a reader may be looking at.
//
// Lookup: an open-addressing hash index (row numbers) that only the owner
// touches. A label combination seen before costs one hash and one compare; a
// new one allocates once (label strings, maybe a chunk or an index rehash).
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

namespace ug::gateway {

template <class Row, std::size_t Labels>
class series_table {
 public:
  using label_views = std::array<std::string_view, Labels>;
  using label_values = std::array<std::string, Labels>;

  static constexpr std::size_t chunk_rows = 64;
  static constexpr std::size_t max_chunks = 4096;
  /// Hard cap on distinct label combinations per worker and table.
  static constexpr std::size_t max_rows = chunk_rows * max_chunks;

  /// Not thread-safe: construct before the owner and readers start.
  series_table() = default;
  series_table(const series_table&) = delete;
  series_table& operator=(const series_table&) = delete;
  /// Not thread-safe: no reader and no owner may be active.
  ~series_table() {
    for (auto& c : chunks_)
      delete[] c.load(std::memory_order_relaxed);
  }

  /// Owning thread only. Never throws. The row for `labels`, created on first
  /// sight; nullptr when the table is full or memory ran out (the caller
  /// counts the sample elsewhere rather than losing it silently).
  Row* find_or_add(const label_views& labels) noexcept {
    const std::uint64_t h = hash(labels);
    if (!index_.empty()) {
      for (std::size_t i = h & (index_.size() - 1);; i = (i + 1) & (index_.size() - 1)) {
        const slot& s = index_[i];
        if (s.row == 0)
          break;
        if (s.hash == h && equal(entry_at(s.row - 1).labels, labels))
          return &entry_at(s.row - 1).row;
      }
    }
    return add(labels, h);
  }

  /// Thread-safe. Rows published so far (acquire: their labels are visible).
  [[nodiscard]] std::size_t size() const noexcept { return size_.load(std::memory_order_acquire); }
  /// Thread-safe for i < size().
  [[nodiscard]] const label_values& labels(std::size_t i) const noexcept {
    return entry_at(i).labels;
  }
  /// Thread-safe for i < size() (the row's counters are atomics).
  [[nodiscard]] const Row& row(std::size_t i) const noexcept { return entry_at(i).row; }

 private:
  struct entry {
    label_values labels;
    Row row;
  };
  struct slot {
    std::uint64_t hash = 0;
    std::uint32_t row = 0;  // row number + 1; 0: empty
  };

  static std::uint64_t hash(const label_views& labels) noexcept {
    std::uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (const auto l : labels) {
      h ^= std::hash<std::string_view>{}(l) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    }
    return h;
  }
  static bool equal(const label_values& a, const label_views& b) noexcept {
    for (std::size_t i = 0; i < Labels; ++i) {
      if (a[i] != b[i])
        return false;
    }
    return true;
  }

  entry& entry_at(std::size_t i) const noexcept {
    // Relaxed is enough: the chunk pointer was stored before the size that
    // made row i visible (release), and the reader acquired that size.
    return chunks_[i / chunk_rows].load(std::memory_order_relaxed)[i % chunk_rows];
  }

  Row* add(const label_views& labels, std::uint64_t h) noexcept {
    const std::size_t n = size_.load(std::memory_order_relaxed);
    if (n >= max_rows)
      return nullptr;
    try {
      if (index_.size() < 2 * (n + 1))
        grow_index();
      auto& chunk = chunks_[n / chunk_rows];
      if (chunk.load(std::memory_order_relaxed) == nullptr) {
        chunk.store(new entry[chunk_rows], std::memory_order_relaxed);
      }
      entry& e = entry_at(n);
      for (std::size_t i = 0; i < Labels; ++i)
        e.labels[i].assign(labels[i]);
      insert_slot(h, n);
    } catch (const std::bad_alloc&) {
      return nullptr;
    }
    size_.store(n + 1, std::memory_order_release);
    return &entry_at(n).row;
  }

  void insert_slot(std::uint64_t h, std::size_t row) noexcept {
    std::size_t i = h & (index_.size() - 1);
    while (index_[i].row != 0)
      i = (i + 1) & (index_.size() - 1);
    index_[i] = slot{h, static_cast<std::uint32_t>(row + 1)};
  }

  void grow_index() {
    std::vector<slot> old(index_.empty() ? 64 : index_.size() * 2);
    old.swap(index_);
    for (const slot& s : old) {
      if (s.row != 0)
        insert_slot(s.hash, s.row - 1);
    }
  }

  std::array<std::atomic<entry*>, max_chunks> chunks_{};
  std::atomic<std::size_t> size_{0};
  std::vector<slot> index_;  // owner only; power-of-two size, load <= 1/2
};

}  // namespace ug::gateway
