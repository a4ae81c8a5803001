// The spin-up cache (sim/spinup_cache.hpp): a run from a cached spin-up equals the run that
// simulated it; the key holds what the spin-up depends on (a change before the start misses,
// a change of events from the start on hits); the size limit and clearing.
#include <cstdint>
#include <string>
#include <vector>

#include <tbb/global_control.h>

#include "catch.hpp"
#include "core/hdf5_io.hpp"
#include "fixtures.hpp"
#include "models/world_builder.hpp"
#include "result_files.hpp"
#include "sim/recorder.hpp"
#include "sim/results_schema.hpp"
#include "sim/spinup_cache.hpp"

using namespace lifecircle;
using lifecircle::test::differing;

namespace {

/// The tiny town's scenario text with a spin-up of `months` (and `replace` done in it).
Scenario tiny_with_spin_up(int months, const std::string& from = "", const std::string& to = "") {
    const Scenario tiny = test::tiny_scenario();
    std::string text = tiny.text;
    const std::string seed = "seed = 7\n";
    text.insert(text.find(seed) + seed.size(), "spin_up_months = " + std::to_string(months) + "\n");
    if (!from.empty()) {
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
    }
    return parse_scenario(text, tiny.path);
}

Results cached(const Scenario& sc, const SpinupCacheOptions& cache, int threads, SpinupUse& use) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    return run_simulation_cached(build_world(sc), RunOptions{}, cache, &use);
}

Results plain(const Scenario& sc) { return run_simulation(build_world(sc), RunOptions{}); }

SpinupCacheOptions cache_in(const test::TempDir& dir) {
    SpinupCacheOptions cache;
    cache.dir = dir.file("cache");
    return cache;
}

}  // namespace

TEST_CASE("a run from a cached spin-up equals the run that simulated it", "[spinup_cache][determinism]") {
    const test::TempDir dir;
    const auto cache = cache_in(dir);
    const Scenario sc = tiny_with_spin_up(3);
    const Results whole = plain(sc);
    SpinupUse first, second;
    const Results cold = cached(sc, cache, 1, first);
    CHECK_FALSE(first.hit);
    CHECK(first.stored);
    CHECK(spinup_cache_entries(cache).size() == 1);
    const Results warm = cached(sc, cache, 2, second);  // another thread count: the same key
    CHECK(second.hit);
    CHECK(second.path == first.path);
    CHECK(differing(sc, whole, cold, dir).empty());
    CHECK(differing(sc, whole, warm, dir).empty());
}

TEST_CASE("the spin-up cache's key: events from the start on hit, anything before misses", "[spinup_cache]") {
    const test::TempDir dir;
    const auto cache = cache_in(dir);
    const Scenario sc = tiny_with_spin_up(3);
    SpinupUse use;
    cached(sc, cache, 2, use);
    REQUIRE(use.stored);

    SECTION("another event from the start on: the same spin-up, and the results of its own run") {
        // 西区 joins half a year later
        const Scenario later = tiny_with_spin_up(3, "date = 2025-01-01\ntype = \"join_programme\"",
                                                 "date = 2025-07-01\ntype = \"join_programme\"");
        CHECK(spinup_key_text(later) == spinup_key_text(sc));
        SpinupUse hit;
        const Results from_cache = cached(later, cache, 2, hit);
        CHECK(hit.hit);
        CHECK(differing(later, plain(later), from_cache, dir).empty());
    }
    SECTION("a parameter that acts before the start, the seed, the spin-up's length: another spin-up") {
        for (const Scenario& other : {tiny_with_spin_up(3, "survey_sample = 100",
                                                        "survey_sample = 100\n[economics]\n"
                                                        "entry_rate = 0.5"),
                                      tiny_with_spin_up(4)}) {
            CHECK(spinup_key_text(other) != spinup_key_text(sc));
            SpinupUse miss;
            const Results own = cached(other, cache, 2, miss);
            CHECK_FALSE(miss.hit);
            CHECK(miss.stored);
            CHECK(differing(other, plain(other), own, dir).empty());
        }
        Scenario seeded = sc;
        seeded.seed = 8;
        CHECK(spinup_key_text(seeded) != spinup_key_text(sc));
        SpinupUse miss;
        cached(seeded, cache, 2, miss);
        CHECK_FALSE(miss.hit);
    }
}

TEST_CASE("the spin-up cache keeps to its size and can be cleared or turned off", "[spinup_cache]") {
    const test::TempDir dir;
    auto cache = cache_in(dir);
    const Scenario sc = tiny_with_spin_up(2);
    SpinupUse use;
    SECTION("off: nothing read or kept") {
        cache.enabled = false;
        cached(sc, cache, 2, use);
        CHECK_FALSE(use.stored);
        CHECK(spinup_cache_entries(cache).empty());
    }
    SECTION("a limit below one entry: none kept") {
        cache.max_bytes = 1000;
        cached(sc, cache, 2, use);
        CHECK(spinup_cache_entries(cache).empty());
    }
    SECTION("the least recently used go first") {
        cached(sc, cache, 2, use);
        const auto one = spinup_cache_entries(cache);
        REQUIRE(one.size() == 1);
        cache.max_bytes = one[0].bytes + one[0].bytes / 2;  // room for one
        SpinupUse other;
        cached(tiny_with_spin_up(1), cache, 2, other);
        const auto left = spinup_cache_entries(cache);
        REQUIRE(left.size() == 1);
        CHECK(left[0].path.string() == other.path);
    }
    SECTION("cleared") {
        cached(sc, cache, 2, use);
        CHECK(clear_spinup_cache(cache) > 0);
        CHECK(spinup_cache_entries(cache).empty());
        SpinupUse again;
        cached(sc, cache, 2, again);
        CHECK_FALSE(again.hit);
    }
    SECTION("without a spin-up: not used") {
        SpinupUse none;
        cached(tiny_with_spin_up(0), cache, 2, none);
        CHECK(none.path.empty());
        CHECK(spinup_cache_entries(cache).empty());
    }
}
