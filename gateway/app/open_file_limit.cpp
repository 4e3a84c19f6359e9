#include "gateway/app/open_file_limit.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace ug::gateway {

std::uint64_t descriptors_needed(std::uint64_t max_connections) noexcept {
  return 2 * max_connections + 256;
}

open_file_limit raise_open_file_limit(std::uint64_t wanted) noexcept {
  open_file_limit result;
  result.wanted = wanted;
  rlimit now{};
  if (::getrlimit(RLIMIT_NOFILE, &now) != 0) {
    return result;
  }
  result.limit = now.rlim_cur;
  if (now.rlim_cur != RLIM_INFINITY && now.rlim_cur >= wanted) {
    return result;
  }
  if (now.rlim_max == RLIM_INFINITY || now.rlim_max < wanted) {
    rlimit both{wanted, wanted};
    if (now.rlim_max == RLIM_INFINITY) {
      both.rlim_max = RLIM_INFINITY;
    }
    if (::setrlimit(RLIMIT_NOFILE, &both) == 0) {  // allowed when privileged
      result.limit = wanted;
      return result;
    }
  }
  rlimit soft{std::min<rlim_t>(now.rlim_max, wanted), now.rlim_max};
  if (soft.rlim_cur > now.rlim_cur && ::setrlimit(RLIMIT_NOFILE, &soft) == 0) {
    result.limit = soft.rlim_cur;
  }
  return result;
}

}  // namespace ug::gateway
