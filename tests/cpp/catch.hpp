#pragma once
// Catch2 v2 (Debian 12) and v3 (newer systems) behind one include. Tests use
// lc_test::Approx and lc_test::Contains, which name the right thing in either version.
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
namespace lc_test {
using Catch::Approx;
inline auto Contains(const std::string& s) { return Catch::Matchers::ContainsSubstring(s); }
}  // namespace lc_test
#define SKIP_OR_RETURN(msg) SKIP(msg)
#else
#include <catch2/catch.hpp>
namespace lc_test {
using Catch::Detail::Approx;
inline auto Contains(const std::string& s) { return Catch::Matchers::Contains(s); }
}  // namespace lc_test
   // Catch2 v2 has no SKIP: warn and leave the test case.
#define SKIP_OR_RETURN(msg) \
    do {                    \
        WARN(msg);          \
        return;             \
    } while (false)
#endif
