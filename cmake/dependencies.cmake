# Every third-party dependency is found here and nowhere else. All of them come
# from Debian 12 packages installed by scripts/install-deps.
find_package(Threads REQUIRED)

# OpenSSL (SHA-256, constant-time compare) is needed by common/ and limiter/ too.
find_package(OpenSSL REQUIRED)
if(NOT UG_LIMITER_ONLY)
  find_package(Boost 1.81 REQUIRED CONFIG)
  find_package(simdjson REQUIRED)
  find_package(prometheus-cpp CONFIG REQUIRED COMPONENTS core)
  find_package(SQLite3 REQUIRED)

  # Asio and Beast are compiled once, in gateway/net/asio_beast_impl.cpp; every other
  # translation unit sees only declarations (fast rebuilds).
  add_library(ug_boost_net INTERFACE)
  target_link_libraries(ug_boost_net INTERFACE Boost::headers Threads::Threads OpenSSL::SSL OpenSSL::Crypto)
  target_compile_definitions(ug_boost_net INTERFACE
    BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION
    BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_BOOST_COROUTINE)
endif()

if(UG_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(UG_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
